import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, type Middleware, type Next } from '../../src/core/index.js';
import { compose, deriveRequest } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

test('compose runs the array outermost first', async () => {
  const order: string[] = [];
  const mw =
    (name: string): Middleware =>
    async (req, next, ctx) => {
      order.push(`${name}>`);
      const res = await next(req, ctx);
      order.push(`<${name}`);
      return res;
    };
  const last: Next = async () => {
    order.push('send');
    return new Response('ok');
  };
  await compose([mw('a'), mw('b'), mw('c')], last)(new Request('http://127.0.0.1/'), {} as never);
  assert.deepEqual(order, ['a>', 'b>', 'c>', 'send', '<c', '<b', '<a']);
});

test('next may be called several times, each with its own request', async () => {
  const transport = inlineTransport((req) => new Response(req.headers.get('x-try')));
  const twice: Middleware = async (req, next, ctx) => {
    const first = await next(deriveRequest(req, { headers: [['x-try', '1']] }), ctx);
    await first.text();
    return next(deriveRequest(req, { headers: [['x-try', '2']] }), ctx);
  };
  const client = createClient({ transport, cookies: false, middleware: [twice] });
  const res = await client.post('http://127.0.0.1/', { body: 'payload' });
  assert.equal(await res.text(), '2');
  assert.equal(transport.requests.length, 2);
  // the replayable body went out both times
  assert.deepEqual(await Promise.all(transport.requests.map((r) => r.text())), ['payload', 'payload']);
});

test('user middleware is outermost and sees a real Request', async () => {
  const seen: unknown[] = [];
  const transport = inlineTransport(() => new Response('x'));
  const client = createClient({
    transport,
    cookies: false,
    middleware: [
      async (req, next, ctx) => {
        seen.push(req instanceof Request, req.method, req.url, req.headers.get('x-a'));
        // deriving the platform way works on ferry's lazy requests
        const derived = new Request(req, { headers: { 'x-b': '2' } });
        return next(derived, ctx);
      },
    ],
  });
  await client.get('http://127.0.0.1/p', { headers: { 'x-a': '1' } });
  assert.deepEqual(seen, [true, 'GET', 'http://127.0.0.1/p', '1']);
  assert.equal(transport.requests[0]?.headers.get('x-b'), '2');
});

test('throwHttpErrors is opt-in', async () => {
  const transport = inlineTransport(() => new Response('no', { status: 404, statusText: 'Not Found' }));
  const client = createClient({ transport, cookies: false });
  assert.equal((await client.get('http://127.0.0.1/x')).status, 404);
  await assert.rejects(client.get('http://u:p@127.0.0.1/x', { throwHttpErrors: true }), (e: Error & { code: string; status: number }) => {
    assert.equal(e.code, 'ERR_HTTP_STATUS');
    assert.equal(e.status, 404);
    assert.equal(e.message, 'GET http://127.0.0.1/x: HTTP 404 Not Found');
    return true;
  });
});

test('an aborted signal rejects with exactly its reason, before any I/O', async () => {
  const transport = inlineTransport(() => new Response('x'));
  const client = createClient({ transport, cookies: false });
  const reason = { mine: true };
  const ac = new AbortController();
  ac.abort(reason);
  await assert.rejects(client.get('http://127.0.0.1/', { signal: ac.signal }), (e) => e === reason);
  assert.equal(transport.requests.length, 0);
});

test('client.fetch looks like fetch', () => {
  const client = createClient({ transport: inlineTransport(() => new Response('x')), cookies: false });
  assert.equal(client.fetch.name, 'fetch');
  assert.equal(client.fetch.length, 1);
});
