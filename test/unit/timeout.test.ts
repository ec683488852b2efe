import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { createClient, type ExchangeContext, FerryResponse, TimeoutError } from '../../src/core/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

/** Resolves never; rejects with the context's abort reason, as a transport must. */
function hang(ctx: ExchangeContext): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const signal = ctx.signal;
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** A body that sends one chunk, then stalls; errors with the abort reason like a transport's would. */
function stallingBody(ctx: ExchangeContext, onCancel?: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('first'));
      ctx.signal?.addEventListener('abort', () => controller.error(ctx.signal?.reason), { once: true });
    },
    cancel() {
      onCancel?.();
    },
  });
}

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

test('no timeout and no signal: the transport gets no signal (nothing allocated)', async () => {
  const transport = inlineTransport(() => new Response('ok'));
  const client = createClient({ transport, cookies: false });
  await (await client.get('http://127.0.0.1/')).text();
  assert.equal(transport.contexts[0]?.signal, undefined);
});

test('total: a transport that never answers rejects with TimeoutError phase total', async () => {
  const transport = inlineTransport((_req, ctx) => hang(ctx));
  const client = createClient({ transport, cookies: false, timeout: 30, retry: false });
  await assert.rejects(client.get('http://127.0.0.1/slow'), (e: unknown) => {
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.phase, 'total');
    assert.equal(e.code, 'ERR_TIMEOUT');
    assert.match(e.message, /^GET http:\/\/127\.0\.0\.1\/slow: timed out after 30 ms/);
    return true;
  });
});

test('total covers reading the body', async () => {
  const transport = inlineTransport((_req, ctx) => new Response(stallingBody(ctx)));
  const client = createClient({ transport, cookies: false, timeout: { total: 40 } });
  const res = await client.get('http://127.0.0.1/');
  await assert.rejects(res.text(), (e: unknown) => e instanceof TimeoutError && e.phase === 'total');
});

test('total covers retries: the deadline is not restarted per attempt', async () => {
  const transport = inlineTransport(() => new Response('', { status: 503 }));
  const client = createClient({ transport, cookies: false, timeout: 60, retry: { limit: 50, backoff: () => 20 } });
  await assert.rejects(client.get('http://127.0.0.1/'), (e: unknown) => e instanceof TimeoutError && e.phase === 'total');
  assert.ok(transport.requests.length < 50);
});

test('an abort rejects with exactly signal.reason, with and without a timeout', async () => {
  for (const timeout of [undefined, 10_000]) {
    const transport = inlineTransport((_req, ctx) => hang(ctx));
    const client = createClient({ transport, cookies: false, ...(timeout ? { timeout } : {}) });
    const controller = new AbortController();
    const reason = Symbol('mine');
    const pending = client.get('http://127.0.0.1/', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 5);
    await assert.rejects(pending, (e) => e === reason);
  }
});

test('an abort while reading the body errors the read with signal.reason', async () => {
  const transport = inlineTransport((_req, ctx) => new Response(stallingBody(ctx)));
  const client = createClient({ transport, cookies: false, timeout: 10_000 });
  const controller = new AbortController();
  const res = await client.get('http://127.0.0.1/', { signal: controller.signal });
  const reason = new Error('stop');
  setTimeout(() => controller.abort(reason), 5);
  await assert.rejects(res.text(), (e) => e === reason);
});

test('timers and the listener on a long-lived signal are released on success, error and abort', async () => {
  const controller = new AbortController();
  const before = timeouts();
  let mode = 'ok';
  const transport = inlineTransport((_req, ctx) => {
    if (mode === 'error') throw new TypeError('boom');
    if (mode === 'stall') return hang(ctx);
    return new Response('body');
  });
  const client = createClient({ transport, cookies: false, retry: false, timeout: { total: 60_000, headers: 60_000, bodyIdle: 60_000 } });
  for (let i = 0; i < 200; i++) {
    mode = 'ok';
    await (await client.get('http://127.0.0.1/', { signal: controller.signal })).text();
    const res = await client.get('http://127.0.0.1/', { signal: controller.signal });
    await res.body?.cancel();
    mode = 'error';
    await assert.rejects(client.get('http://127.0.0.1/', { signal: controller.signal }));
    mode = 'stall';
    const inner = new AbortController();
    const pending = client.get('http://127.0.0.1/', { signal: inner.signal });
    inner.abort('bye');
    await assert.rejects(pending, (e) => e === 'bye');
  }
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  assert.equal(timeouts(), before);
});

test('core headers timeout for a transport that cannot time it', async () => {
  const transport = inlineTransport((_req, ctx) => hang(ctx));
  const client = createClient({ transport, cookies: false, retry: false, timeout: { headers: 30 } });
  await assert.rejects(client.get('http://127.0.0.1/'), (e: unknown) => {
    assert.ok(e instanceof TimeoutError);
    assert.equal(e.phase, 'headers');
    assert.match(e.message, /waiting for response headers/);
    return true;
  });
});

test('core connect timeout bounds the wait for headers and says so', async () => {
  const transport = inlineTransport((_req, ctx) => hang(ctx));
  const client = createClient({ transport, cookies: false, retry: false, timeout: { connect: 20, headers: 5000 } });
  await assert.rejects(
    client.get('http://127.0.0.1/'),
    (e: unknown) => e instanceof TimeoutError && e.phase === 'connect' && /cannot time connecting alone/.test(e.message),
  );
});

test('core bodyIdle timeout: a stalled body errors the read; a slow reader does not trip it', async () => {
  let cancelled = 0;
  const transport = inlineTransport((_req, ctx) => new Response(stallingBody(ctx, () => cancelled++)));
  const client = createClient({ transport, cookies: false, timeout: { bodyIdle: 40 } });
  const res = await client.get('http://127.0.0.1/');
  const reader = res.body!.getReader();
  await new Promise((r) => setTimeout(r, 120)); // the reader idles longer than bodyIdle: no timeout
  assert.equal(new TextDecoder().decode((await reader.read()).value), 'first');
  await assert.rejects(reader.read(), (e: unknown) => e instanceof TimeoutError && e.phase === 'bodyIdle');

  const steady = inlineTransport(() => {
    let n = 0;
    return new Response(
      new ReadableStream({
        async pull(c) {
          await new Promise((r) => setTimeout(r, 10));
          if (++n > 5) c.close();
          else c.enqueue(new Uint8Array([n]));
        },
      }),
    );
  });
  const c2 = createClient({ transport: steady, cookies: false, timeout: { bodyIdle: 200 } });
  assert.equal((await (await c2.get('http://127.0.0.1/')).arrayBuffer()).byteLength, 5);
});

test('phases the transport times itself are left to it', async () => {
  const transport = inlineTransport(() => new FerryResponse('ok'), { timeouts: ['connect', 'headers', 'bodyIdle'] });
  const client = createClient({ transport, cookies: false, timeout: { headers: 10, bodyIdle: 10, connect: 10 } });
  await (await client.get('http://127.0.0.1/')).text();
  assert.equal(transport.contexts[0]?.signal, undefined);
});

test('timeout 0 means no deadline', async () => {
  const transport = inlineTransport(() => new Response('ok'));
  const client = createClient({ transport, cookies: false, timeout: 0 });
  assert.equal(await (await client.get('http://127.0.0.1/')).text(), 'ok');
  assert.equal(transport.contexts[0]?.signal, undefined);
});

test('a bodiless answer (204, HEAD) ends its deadline with the headers', async () => {
  const before = timeouts();
  const transport = inlineTransport((req) =>
    req.url.endsWith('/empty') ? new Response(null, { status: 204 }) : new Response('unread body'),
  );
  const client = createClient({ transport, cookies: false, timeout: 60_000 });
  const empty = await client.get('http://127.0.0.1/empty');
  assert.equal(empty.status, 204);
  assert.equal(timeouts(), before, 'no timer left after a 204');
  const read = await client.get('http://127.0.0.1/body');
  assert.equal(timeouts(), before + 1, 'the deadline covers the body until it is read');
  assert.equal(await read.text(), 'unread body');
  assert.equal(timeouts(), before);
  const head = await client.head('http://127.0.0.1/body');
  assert.equal(head.status, 200);
  assert.equal(timeouts(), before);
});
