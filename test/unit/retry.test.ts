import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectError, createClient, InvalidOptionError, type RetryInfo, TransportError } from '../../src/core/index.js';
import { resolveClientOptions } from '../../src/core/options/resolve.js';
import { parseRetryAfter } from '../../src/core/steps/retry.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const fast = { backoff: () => 1 };

function statuses(...codes: number[]) {
  let i = 0;
  return inlineTransport(() => {
    const status = codes[Math.min(i++, codes.length - 1)] as number;
    return new Response(`s${status}`, { status });
  });
}

test('retries 503 until success; beforeRetry sees the response and the attempt', async () => {
  const transport = statuses(503, 502, 200);
  const client = createClient({ transport, cookies: false, retry: { ...fast } });
  const seen: RetryInfo[] = [];
  client.on('beforeRetry', (_req, info) => seen.push(info));
  const res = await client.get('http://127.0.0.1/x');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 's200');
  assert.equal(transport.requests.length, 3);
  assert.deepEqual(
    seen.map((i) => [i.attempt, i.response?.status]),
    [
      [1, 503],
      [2, 502],
    ],
  );
});

test('stops at the limit (default 2 retries) and returns the last response', async () => {
  const transport = statuses(500);
  const client = createClient({ transport, cookies: false, retry: { ...fast } });
  const res = await client.get('http://127.0.0.1/x');
  assert.equal(res.status, 500);
  assert.equal(transport.requests.length, 3);
});

test('retry: 0, retry: false and a non-retriable status send once', async () => {
  for (const retry of [0, false] as const) {
    const transport = statuses(503, 200);
    const client = createClient({ transport, cookies: false, retry });
    assert.equal((await client.get('http://127.0.0.1/')).status, 503);
    assert.equal(transport.requests.length, 1);
  }
  const transport = statuses(404, 200);
  const client = createClient({ transport, cookies: false, retry: fast });
  assert.equal((await client.get('http://127.0.0.1/')).status, 404);
  assert.equal(transport.requests.length, 1);
});

test('POST is not retried by default; listed methods are', async () => {
  const transport = statuses(503, 200);
  const client = createClient({ transport, cookies: false, retry: fast });
  assert.equal((await client.post('http://127.0.0.1/', { body: 'x' })).status, 503);
  assert.equal(transport.requests.length, 1);
  const t2 = statuses(503, 200);
  const c2 = createClient({ transport: t2, cookies: false, retry: { ...fast, methods: ['post'] } });
  assert.equal((await c2.post('http://127.0.0.1/', { body: 'x' })).status, 200);
  assert.equal(t2.requests.length, 2);
});

test('a replayable body is resent whole; a one-shot stream body is never resent', async () => {
  const transport = statuses(503, 200);
  const client = createClient({ transport, cookies: false, retry: fast });
  await client.put('http://127.0.0.1/', { body: 'payload' });
  assert.deepEqual(await Promise.all(transport.requests.map((r) => r.text())), ['payload', 'payload']);

  const t2 = statuses(503, 200);
  const c2 = createClient({ transport: t2, cookies: false, retry: fast });
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode('once'));
      c.close();
    },
  });
  const res = await c2.put('http://127.0.0.1/', { body: stream });
  assert.equal(res.status, 503);
  assert.equal(t2.requests.length, 1);

  const t3 = statuses(503, 200);
  const c3 = createClient({ transport: t3, cookies: false, retry: fast });
  let produced = 0;
  await c3.put('http://127.0.0.1/', { body: () => `copy${++produced}` });
  // a producer body is produced afresh for each send (middleware may derive the request too)
  const sent = await Promise.all(t3.requests.map((r) => r.text()));
  assert.equal(sent.length, 2);
  assert.ok(sent.every((s) => /^copy\d+$/.test(s)) && sent[0] !== sent[1], sent.join());
});

test('the body of a retried response is discarded (its source cancelled)', async () => {
  let cancelled = 0;
  let i = 0;
  const transport = inlineTransport(() => {
    if (i++ > 0) return new Response('ok');
    const body = new ReadableStream({
      pull(c) {
        c.enqueue(new Uint8Array(10));
      },
      cancel() {
        cancelled++;
      },
    });
    return new Response(body, { status: 503 });
  });
  const client = createClient({ transport, cookies: false, retry: fast });
  assert.equal(await (await client.get('http://127.0.0.1/')).text(), 'ok');
  assert.equal(cancelled, 1);
});

test('network errors with a listed code are retried (ferry code or a platform code in the cause)', async () => {
  let i = 0;
  const transport = inlineTransport(() => {
    i++;
    if (i === 1) throw new ConnectError('GET http://127.0.0.1/: connection refused');
    if (i === 2)
      throw new TransportError('GET http://127.0.0.1/: lost', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    return new Response('ok');
  });
  const client = createClient({ transport, cookies: false, retry: fast });
  const infos: RetryInfo[] = [];
  client.on('beforeRetry', (_r, info) => infos.push(info));
  assert.equal(await (await client.get('http://127.0.0.1/')).text(), 'ok');
  assert.deepEqual(
    infos.map((x) => (x.error as { code: string }).code),
    ['ERR_CONNECT', 'ERR_NETWORK'],
  );
});

test('other errors are not retried; the last retriable error is thrown past the limit', async () => {
  const t1 = inlineTransport(() => {
    throw new InvalidOptionError('x', 'bad');
  });
  const c1 = createClient({ transport: t1, cookies: false, retry: fast });
  await assert.rejects(c1.get('http://127.0.0.1/'), InvalidOptionError);
  assert.equal(t1.requests.length, 1);
  const t2 = inlineTransport(() => {
    throw new ConnectError('refused');
  });
  const c2 = createClient({ transport: t2, cookies: false, retry: { ...fast, limit: 3 } });
  await assert.rejects(c2.get('http://127.0.0.1/'), ConnectError);
  assert.equal(t2.requests.length, 4);
});

test('Retry-After: seconds and HTTP-date are honoured; past maxRetryAfter the response is returned', async () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(' 0 '), 0);
  const now = Date.parse('Sun, 22 Nov 2026 05:00:00 GMT');
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 05:00:10 GMT', now), 10_000);
  assert.equal(parseRetryAfter('Sun, 22 Nov 2026 04:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter('-1'), undefined);
  assert.equal(parseRetryAfter(null), undefined);

  let i = 0;
  const transport = inlineTransport(() =>
    i++ === 0 ? new Response('', { status: 429, headers: { 'retry-after': '0' } }) : new Response('ok'),
  );
  const client = createClient({ transport, cookies: false, retry: { backoff: () => 5000 } });
  const delays: number[] = [];
  client.on('beforeRetry', (_r, info) => delays.push(info.delay));
  assert.equal((await client.get('http://127.0.0.1/')).status, 200);
  assert.deepEqual(delays, [0]); // Retry-After wins over the backoff

  const t2 = inlineTransport(() => new Response('', { status: 503, headers: { 'retry-after': '120' } }));
  const c2 = createClient({ transport: t2, cookies: false, retry: { maxRetryAfter: 1000 } });
  assert.equal((await c2.get('http://127.0.0.1/')).status, 503);
  assert.equal(t2.requests.length, 1);

  const t3 = inlineTransport(() => new Response('', { status: 503, headers: { 'retry-after': '120' } }));
  const c3 = createClient({ transport: t3, cookies: false, retry: { retryAfter: false, backoff: () => 1, limit: 1 } });
  assert.equal((await c3.get('http://127.0.0.1/')).status, 503);
  assert.equal(t3.requests.length, 2);
});

test('default backoff is exponential with jitter and capped', () => {
  const { backoff } = resolveClientOptions({ retry: { backoff: { base: 100, factor: 2, max: 1000 } } }).shared.retry;
  for (let n = 0; n < 50; n++) {
    const [a, b, c, d] = [backoff(1), backoff(2), backoff(3), backoff(10)];
    assert.ok(a >= 50 && a <= 100, String(a));
    assert.ok(b >= 100 && b <= 200, String(b));
    assert.ok(c >= 200 && c <= 400, String(c));
    assert.ok(d >= 500 && d <= 1000, String(d));
  }
  const fixed = resolveClientOptions({ retry: { backoff: { base: 100, jitter: false } } }).shared.retry.backoff;
  assert.deepEqual([fixed(1), fixed(2), fixed(3)], [100, 200, 400]);
});

test('an abort during the backoff sleep rejects with signal.reason at once', async () => {
  const transport = statuses(503);
  const client = createClient({ transport, cookies: false, retry: { backoff: () => 60_000 } });
  const controller = new AbortController();
  const reason = { why: 'user gave up' };
  const started = Date.now();
  const pending = client.get('http://127.0.0.1/', { signal: controller.signal });
  setTimeout(() => controller.abort(reason), 20);
  await assert.rejects(pending, (e) => e === reason);
  assert.ok(Date.now() - started < 10_000);
  assert.equal(transport.requests.length, 1);
});

test('a throwing beforeRetry listener fails the request with its error', async () => {
  const transport = statuses(503, 200);
  const boom = new Error('listener');
  const client = createClient({
    transport,
    cookies: false,
    retry: fast,
    on: {
      beforeRetry: () => {
        throw boom;
      },
    },
  });
  await assert.rejects(client.get('http://127.0.0.1/'), (e) => e === boom);
  assert.equal(transport.requests.length, 1);
});
