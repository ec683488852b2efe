/**
 * The Deno transport's option mapping onto `Deno.createHttpClient` and its refusals, checked
 * in Node with an inline `fetch` and a stand-in `Deno` namespace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../../src/core/index.js';
import { type DenoHttpClientOptions, type DenoNamespace, httpClientOptions } from '../../src/transports/deno/http-client.js';
import { createDenoTransport } from '../../src/transports/deno/index.js';

const files: Record<string, string> = { '/pki/ca.pem': '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n' };
const fakeDeno: DenoNamespace = {
  createHttpClient: () => ({ close() {} }),
  readTextFileSync: (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT ${path}`);
    return text;
  },
};

test('proxies: http/https/socks5/socks5h URLs, credentials become basicAuth, never stay in the URL', () => {
  const map = (proxy: string): DenoHttpClientOptions['proxy'] => httpClientOptions({ proxy }, fakeDeno)?.proxy;
  assert.deepEqual(map('http://127.0.0.1:3128'), { transport: 'http', url: 'http://127.0.0.1:3128' });
  assert.deepEqual(map('https://127.0.0.1:3129'), { transport: 'https', url: 'https://127.0.0.1:3129' });
  assert.deepEqual(map('socks5h://u%40x:p%20w@127.0.0.1:1080'), {
    transport: 'socks5',
    url: 'socks5h://127.0.0.1:1080',
    basicAuth: { username: 'u@x', password: 'p w' },
  });
  assert.deepEqual(httpClientOptions({ socketPath: '/run/x.sock' }, fakeDeno), { proxy: { transport: 'unix', path: '/run/x.sock' } });
  assert.equal(httpClientOptions({}, fakeDeno), null, 'no options: Deno’s default client');
});

test('tls: CAs as PEM or file paths, a client certificate; verify: false and unknown settings refused', () => {
  assert.deepEqual(httpClientOptions({ tls: { ca: ['/pki/ca.pem', '-----BEGIN CERTIFICATE-----\nX'] } }, fakeDeno)?.caCerts, [
    files['/pki/ca.pem'],
    '-----BEGIN CERTIFICATE-----\nX',
  ]);
  const pemCert = '-----BEGIN CERTIFICATE-----\nC';
  const pemKey = '-----BEGIN PRIVATE KEY-----\nK';
  assert.deepEqual(httpClientOptions({ tls: { cert: pemCert, key: pemKey } }, fakeDeno), { cert: pemCert, key: pemKey });
  const capability = (tls: object, name: string) =>
    assert.throws(
      () => httpClientOptions({ tls } as never, fakeDeno),
      (e: { code?: string; transport?: string; capability?: string }) =>
        e.code === 'ERR_CAPABILITY' && e.transport === 'deno' && e.capability === name,
    );
  capability({ verify: false }, 'tls.verify');
  capability({ servername: 'x' }, 'tls.servername');
  assert.throws(
    () => httpClientOptions({ tls: { ca: '/missing.pem' } }, fakeDeno),
    (e: { code?: string }) => e.code === 'ERR_INVALID_OPTION',
  );
  assert.throws(
    () => httpClientOptions({ proxy: 'ftp://x' }, fakeDeno),
    (e: { code?: string }) => e.code === 'ERR_INVALID_OPTION',
  );
});

test('every exchange is one hop; Deno’s own gzip/br decoding is taken off the headers', async () => {
  const calls: RequestInit[] = [];
  const gzip = new Uint8Array(await new Response(new Blob(['plain']).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
  const fetch = (async (_url: string, init: RequestInit) => {
    calls.push(init);
    // As Deno does: a lone gzip is decoded, its Content-Encoding kept; deflate arrives raw.
    const coding = new URL(_url).searchParams.get('c');
    if (coding === 'gzip') return new Response('plain', { headers: { 'content-encoding': 'gzip', 'content-length': '25' } });
    return new Response(gzip, { headers: { 'content-encoding': 'gzip, identity' } });
  }) as unknown as typeof globalThis.fetch;
  const client = createClient({ transport: createDenoTransport({ fetch }), cookies: false });
  const a = await client.get('http://127.0.0.1:1/?c=gzip');
  assert.equal(a.headers.get('content-encoding'), null);
  assert.equal(await a.text(), 'plain');
  const b = await client.get('http://127.0.0.1:1/?c=stacked');
  assert.equal(await b.text(), 'plain', 'what Deno left encoded is decoded by ferry');
  assert.equal(calls[0]?.redirect, 'manual');
  assert.match(new Headers(calls[0]?.headers).get('accept-encoding') ?? '', /gzip, deflate/);
});
