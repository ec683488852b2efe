/**
 * The Bun transport's option mapping and refusals, checked in Node with an inline `fetch`
 * (what reaches Bun's fetch, and what is refused before any I/O).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../../src/core/index.js';
import { createBunTransport } from '../../src/transports/bun/index.js';

function recorder(): { calls: { url: string; init: Record<string, unknown> }[]; fetch: typeof globalThis.fetch } {
  const calls: { url: string; init: Record<string, unknown> }[] = [];
  const fetch = (async (url: string, init: Record<string, unknown>) => {
    calls.push({ url, init });
    return new Response('ok', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

test('every exchange is one hop with decompress: false; proxy, unix and tls map onto Bun options', async () => {
  const r = recorder();
  const transport = createBunTransport({
    fetch: r.fetch,
    proxy: 'http://u:p@127.0.0.1:3128',
    tls: { ca: 'CA PEM', cert: 'CERT', key: 'KEY', verify: false, servername: 'example.test' },
  });
  const client = createClient({ transport, cookies: false });
  assert.equal(await (await client.get('http://127.0.0.1:1/x')).text(), 'ok');
  const init = r.calls[0]?.init ?? {};
  assert.equal(init.redirect, 'manual');
  assert.equal(init.decompress, false);
  assert.equal(init.proxy, 'http://u:p@127.0.0.1:3128/');
  assert.deepEqual(init.tls, { ca: ['CA PEM'], cert: 'CERT', key: 'KEY', rejectUnauthorized: false, serverName: 'example.test' });
  const unix = recorder();
  await createClient({ transport: createBunTransport({ fetch: unix.fetch, socketPath: '/tmp/x.sock' }), cookies: false }).get(
    'http://localhost/',
  );
  assert.equal(unix.calls[0]?.init.unix, '/tmp/x.sock');
});

test('bun declares what it can do, and hands brotli/zstd decoders to core only where DecompressionStream has them', () => {
  const t = createBunTransport({ fetch: recorder().fetch });
  assert.equal(t.name, 'bun');
  assert.equal(t.capabilities.rawBody, true);
  assert.equal(t.capabilities.manualRedirects, true);
  assert.equal(t.capabilities.cookieHeaders, true);
  for (const coding of Object.keys(t.decoders ?? {})) assert.ok(['br', 'zstd'].includes(coding));
});

test('what Bun cannot do is refused before any I/O, naming the transport and the capability', () => {
  const r = recorder();
  assert.throws(
    () => createBunTransport({ fetch: r.fetch, proxy: 'socks5h://127.0.0.1:1080' }),
    (e: { code?: string; transport?: string; capability?: string }) =>
      e.code === 'ERR_CAPABILITY' && e.transport === 'bun' && e.capability === 'proxy.socks',
  );
  assert.throws(
    () => createBunTransport({ fetch: r.fetch, tls: { minVersion: 'TLSv1.3' } as never }),
    (e: { capability?: string }) => e.capability === 'tls.minVersion',
  );
  assert.throws(
    () => createBunTransport({ fetch: r.fetch, proxy: 'not a url' }),
    (e: { code?: string }) => e.code === 'ERR_INVALID_OPTION',
  );
  assert.throws(
    () => createBunTransport({ fetch: r.fetch, proxy: 'http://127.0.0.1:1', socketPath: '/tmp/x' }),
    (e: { code?: string }) => e.code === 'ERR_INVALID_OPTION',
  );
  assert.throws(
    () => createBunTransport({ fetch: r.fetch, tls: { cert: 'CERT' } }),
    (e: { code?: string }) => e.code === 'ERR_INVALID_OPTION',
  );
  assert.equal(r.calls.length, 0);
});
