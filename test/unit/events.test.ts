import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, FerryResponse, type Progress } from '../../src/core/index.js';
import { requestParts } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const enc = new TextEncoder();

function chunked(parts: string[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      const part = parts[i++];
      if (part === undefined) c.close();
      else c.enqueue(enc.encode(part));
    },
    cancel() {
      onCancel?.();
    },
  });
}

test('nobody listening: nothing is wrapped (the transport response and body come through as they are)', async () => {
  const sent = new FerryResponse('ok');
  const transport = inlineTransport(() => sent);
  const client = createClient({ transport, cookies: false, decompress: false });
  const res = await client.post('http://127.0.0.1/', { body: 'payload' });
  assert.equal(res, sent);
  assert.equal(requestParts(transport.requests[0] as Request).body?.source, 'payload');
});

test('event order and payloads for one exchange', async () => {
  const log: string[] = [];
  const transport = inlineTransport(() => new Response(chunked(['ab', 'cde']), { headers: { 'content-length': '5' } }));
  const client = createClient({
    transport,
    cookies: false,
    on: {
      preRequest: (req) => log.push(`pre ${req.method} ${new URL(req.url).pathname}`),
      onHeaders: (res) => log.push(`headers ${res.status}`),
      dataReceived: (_res, chunk) => log.push(`received ${chunk.byteLength}`),
      downloadProgress: (p) => log.push(`progress ${p.loaded}/${p.total}`),
      dataProcessed: (_res, chunk) => log.push(`processed ${chunk.byteLength}`),
      postRequest: (res) => log.push(`post ${res.status}`),
    },
  });
  const res = await client.get('http://127.0.0.1/x');
  assert.equal(await res.text(), 'abcde');
  assert.deepEqual(log, [
    'pre GET /x',
    'headers 200',
    'received 2',
    'progress 2/5',
    'processed 2',
    'received 3',
    'progress 5/5',
    'processed 3',
    'post 200',
  ]);
});

test('client.on returns an unsubscribe; per-request listeners add to the client ones', async () => {
  const transport = inlineTransport(() => new Response('ok'));
  const client = createClient({ transport, cookies: false });
  const seen: string[] = [];
  const off = client.on('preRequest', () => seen.push('client'));
  await (await client.get('http://127.0.0.1/', { on: { preRequest: () => seen.push('request') } })).text();
  off();
  await (await client.get('http://127.0.0.1/')).text();
  assert.deepEqual(seen, ['client', 'request']);
});

test('postRequest fires when the body is read, cancelled or fails, and at once for no body', async () => {
  let mode = 'ok';
  const transport = inlineTransport(() => {
    if (mode === 'empty') return new Response(null, { status: 204 });
    if (mode === 'fail')
      return new Response(
        new ReadableStream({
          pull(c) {
            c.error(new TypeError('cut'));
          },
        }),
      );
    return new Response(chunked(['a', 'b']));
  });
  const posts: number[] = [];
  const client = createClient({ transport, cookies: false, on: { postRequest: (r) => posts.push(r.status) } });
  const read = await client.get('http://127.0.0.1/');
  assert.deepEqual(posts, []);
  await read.text();
  assert.deepEqual(posts, [200]);
  await (await client.get('http://127.0.0.1/')).body?.cancel();
  assert.deepEqual(posts, [200, 200]);
  mode = 'fail';
  await assert.rejects((await client.get('http://127.0.0.1/')).text(), /cut/);
  assert.deepEqual(posts, [200, 200, 200]);
  mode = 'empty';
  await client.get('http://127.0.0.1/');
  assert.deepEqual(posts, [200, 200, 200, 204]);
});

test('uploadProgress counts the bytes as the transport pulls them; totals equal the bytes sent', async () => {
  const transport = inlineTransport(async (req) => new Response(String((await req.arrayBuffer()).byteLength)));
  const client = createClient({ transport, cookies: false });
  const big = new Uint8Array(200 * 1024).fill(7);
  const cases: [string, RequestInit['body'] | AsyncIterable<Uint8Array>, number | undefined][] = [
    ['bytes', big, big.byteLength],
    ['string', 'héllo', 6],
    ['blob', new Blob([big]), big.byteLength],
    [
      'stream',
      (async function* () {
        yield enc.encode('abc');
        yield enc.encode('defg');
      })(),
      undefined,
    ],
  ];
  for (const [name, body, total] of cases) {
    const seen: Progress[] = [];
    const res = await client.post('http://127.0.0.1/', { body: body as never, on: { uploadProgress: (p) => seen.push(p) } });
    const received = Number(await res.text());
    const last = seen[seen.length - 1];
    assert.equal(last?.loaded, received, name);
    assert.equal(last?.total, total, name);
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i]?.loaded ?? 0) > (seen[i - 1]?.loaded ?? 0), name);
    if (name === 'bytes') assert.ok(seen.length >= 3, 'a big body reports progress in several steps');
  }
});

test('a throwing listener fails the request with its own error and releases the body', async () => {
  for (const event of ['preRequest', 'onHeaders', 'dataReceived', 'downloadProgress', 'postRequest', 'uploadProgress'] as const) {
    let cancelled = 0;
    const transport = inlineTransport(async (req) => {
      if (req.body) await req.arrayBuffer();
      return new Response(chunked(['x', 'y', 'z'], () => cancelled++));
    });
    const boom = new Error(`listener ${event}`);
    const client = createClient({
      transport,
      cookies: false,
      on: {
        [event]: () => {
          throw boom;
        },
      },
    });
    const attempt = async (): Promise<string> => {
      const res = await client.put('http://127.0.0.1/', { body: 'data' });
      return res.text();
    };
    await assert.rejects(attempt(), (e) => e === boom, event);
    if (event === 'onHeaders' || event === 'dataReceived' || event === 'downloadProgress')
      assert.equal(cancelled, 1, `${event}: body cancelled`);
  }
});

test('dataProcessed is emitted once per chunk the caller reads, not for discarded hops', async () => {
  let i = 0;
  const transport = inlineTransport(() =>
    i++ === 0 ? new Response(chunked(['redirect body']), { status: 503 }) : new Response(chunked(['final'])),
  );
  const processed: string[] = [];
  const received: string[] = [];
  const client = createClient({
    transport,
    cookies: false,
    retry: { backoff: () => 1 },
    on: {
      dataProcessed: (_r, c) => processed.push(new TextDecoder().decode(c)),
      dataReceived: (_r, c) => received.push(new TextDecoder().decode(c)),
    },
  });
  assert.equal(await (await client.get('http://127.0.0.1/')).text(), 'final');
  assert.deepEqual(processed, ['final']);
  assert.deepEqual(received, ['final']); // the retried 503's body was discarded unread
});
