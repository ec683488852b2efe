/**
 * The browser transport's own logic, checked in Node with an inline `fetch` (the Chromium run
 * in conformance.test.ts checks it against the real thing): what it refuses before any I/O,
 * what it sends, and how it reports what the browser decoded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../../src/core/index.js';
import { browserTransportFor, createBrowserTransport } from '../../src/transports/browser/index.js';

function stub(respond: (url: string, init: RequestInit) => Response): {
  calls: { url: string; init: RequestInit }[];
  fetch: typeof globalThis.fetch;
} {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return respond(url, init);
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

test('what the browser keeps to itself is refused before any I/O, naming transport and capability', async () => {
  const s = stub(() => new Response('x'));
  const client = createClient({ transport: createBrowserTransport({ fetch: s.fetch }), cookies: false });
  const refused = async (init: Record<string, unknown>, capability: string): Promise<void> => {
    await assert.rejects(
      client.get('http://127.0.0.1:1/', init),
      (e: { code?: string; transport?: string; capability?: string; message: string }) => {
        assert.equal(e.code, 'ERR_CAPABILITY');
        assert.equal(e.transport, 'browser');
        assert.equal(e.capability, capability);
        assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:1\/: the browser transport cannot do/);
        return true;
      },
    );
  };
  await refused({ redirect: 'manual' }, 'manualRedirects');
  await refused({ maxRedirects: 3 }, 'maxRedirects');
  await refused({ redirectPolicy: 'strict' }, 'redirectPolicy');
  await refused({ sensitiveHeaders: ['x-key'] }, 'sensitiveHeaders');
  await refused({ decompress: false }, 'rawBody');
  await refused({ headers: { cookie: 'a=b' } }, 'cookieHeaders');
  assert.equal(s.calls.length, 0);
  assert.throws(
    () => browserTransportFor({ node: { proxy: 'http://127.0.0.1:3128' } }),
    (e: { code?: string; capability?: string }) => e.code === 'ERR_CAPABILITY' && e.capability === 'node.proxy',
  );
});

test('redirects are native; redirect: error turns an opaque redirect into a RedirectError', async () => {
  const s = stub((_url, init) =>
    init.redirect === 'manual' ? Object.defineProperty(new Response(null), 'type', { value: 'opaqueredirect' }) : new Response('final'),
  );
  const client = createClient({ transport: createBrowserTransport({ fetch: s.fetch }), cookies: false });
  assert.equal(await (await client.get('http://127.0.0.1:1/')).text(), 'final');
  assert.equal(s.calls[0]?.init.redirect, 'follow');
  assert.equal(s.calls[0]?.init.credentials, 'same-origin');
  await assert.rejects(client.get('http://127.0.0.1:1/', { redirect: 'error' }), (e: { code?: string }) => e.code === 'ERR_REDIRECT');
});

test('a stream body is collected before sending (Chromium streams uploads only over HTTP/2)', async () => {
  const s = stub(() => new Response('ok'));
  const client = createClient({ transport: createBrowserTransport({ fetch: s.fetch }), cookies: false });
  async function* parts(): AsyncGenerator<string> {
    yield 'a';
    yield 'b';
  }
  await client.post('http://127.0.0.1:1/', { body: parts() });
  const body = s.calls[0]?.init.body;
  assert.ok(body instanceof Blob);
  assert.equal(await body.text(), 'ab');
});

test('codings the browser decoded leave the headers; unknown ones stay', async () => {
  const s = stub(
    (url) =>
      new Response('decoded', {
        headers: { 'content-encoding': new URL(url).searchParams.get('c') as string, 'content-length': '99' },
      }),
  );
  const client = createClient({ transport: createBrowserTransport({ fetch: s.fetch }), cookies: false });
  const a = await client.get('http://127.0.0.1:1/?c=gzip, br');
  assert.equal(a.headers.get('content-encoding'), null);
  assert.equal(a.headers.get('content-length'), null);
  assert.equal(await a.text(), 'decoded');
  const b = await client.get('http://127.0.0.1:1/?c=compress');
  assert.equal(b.headers.get('content-encoding'), 'compress');
});
