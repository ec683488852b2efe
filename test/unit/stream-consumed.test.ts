import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, FerryResponse, type Middleware, StreamConsumedError } from '../../src/core/index.js';
import { deriveResponse, type ResponseSource } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const readers = ['text', 'json', 'arrayBuffer', 'bytes', 'blob', 'formData'] as const;
type Reader = (typeof readers)[number];

function read(res: Response, how: Reader): Promise<unknown> {
  return (res[how] as () => Promise<unknown>).call(res);
}

/** A response whose body is a transport-like source (the shape the Node transport hands over). */
function sourced(text = '{"a":1}', request?: Request): FerryResponse {
  const bytes = new TextEncoder().encode(text);
  const source: ResponseSource = {
    stream: () => new Response(bytes).body as ReadableStream<Uint8Array>,
    text: async () => text,
    cancel: () => {},
  };
  return new FerryResponse(source, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    url: 'http://127.0.0.1:9/x',
    request,
  });
}

async function consumedError(p: Promise<unknown>): Promise<StreamConsumedError> {
  const e = await p.then(
    () => assert.fail('expected StreamConsumedError'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof StreamConsumedError, `got ${String(e)}`);
  assert.ok(e instanceof TypeError, 'a TypeError, as fetch throws');
  assert.equal(e.code, 'ERR_STREAM_CONSUMED');
  assert.equal(e.name, 'StreamConsumedError');
  return e;
}

for (const first of readers) {
  for (const second of ['text', 'json', 'arrayBuffer'] as const) {
    test(`${second}() after ${first}() throws StreamConsumedError naming ${first}()`, async () => {
      const res = sourced('a=1');
      await read(res, first).catch(() => {}); // json() of 'a=1' fails to parse, but it consumed the body
      assert.equal(res.bodyUsed, true);
      const e = await consumedError(read(res, second));
      assert.match(e.message, new RegExp(`${first}\\(\\)`));
    });
  }
}

test('reading after the body stream was taken by a reader names the stream', async () => {
  const res = sourced();
  const reader = res.body?.getReader();
  assert.ok(reader);
  const e = await consumedError(res.text());
  assert.match(e.message, /body stream/);
  reader.releaseLock();
});

test('reading after the stream was read to its end with for await names the stream', async () => {
  const res = sourced('streamed');
  const chunks: Uint8Array[] = [];
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString(), 'streamed');
  assert.equal(res.bodyUsed, true);
  for (const how of ['text', 'json', 'arrayBuffer'] as const) {
    const e = await consumedError(read(res, how));
    assert.match(e.message, /body stream/);
  }
});

test('reading after the stream was piped elsewhere names the stream', async () => {
  const res = sourced('piped');
  const sink: Uint8Array[] = [];
  await res.body?.pipeTo(new WritableStream({ write: (c) => void sink.push(c) }));
  const e = await consumedError(res.arrayBuffer());
  assert.match(e.message, /body stream/);
});

test('touching res.body without reading it leaves text() working (fetch semantics)', async () => {
  const res = sourced('still here');
  assert.ok(res.body !== null);
  assert.equal(res.bodyUsed, false);
  assert.equal(await res.text(), 'still here');
});

test('clone() after a read throws StreamConsumedError; clone() before lets both read', async () => {
  const res = sourced('twice');
  const copy = res.clone();
  assert.equal(await res.text(), 'twice');
  assert.equal(await copy.text(), 'twice');
  assert.throws(() => res.clone(), StreamConsumedError);
});

test('a body a middleware read: the caller’s read names the middleware', async () => {
  const transport = inlineTransport((req) => sourced('from the server', req));
  const peek: Middleware = async (req, next, ctx) => {
    const res = await next(req, ctx);
    await res.text(); // reads the body and hands back the same, now empty, response
    return res;
  };
  const client = createClient({ transport, cookies: false, middleware: [peek] });
  const res = await client.get('http://127.0.0.1:9/x');
  const e = await consumedError(res.text());
  assert.match(e.message, /middleware/);
  assert.match(e.message, /text\(\)/);
  assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:9\/x: /);
});

test('a middleware that took the body stream: the caller’s read names the middleware and the stream', async () => {
  const transport = inlineTransport(() => sourced('from the server'));
  const drain: Middleware = async (req, next, ctx) => {
    const res = await next(req, ctx);
    for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>);
    return res;
  };
  const client = createClient({ transport, cookies: false, middleware: [drain] });
  const res = await client.get('http://127.0.0.1:9/x');
  const e = await consumedError(res.json());
  assert.match(e.message, /middleware/);
  assert.match(e.message, /body stream/);
});

test('a body is readable once in the normal case (no false positives)', async () => {
  const transport = inlineTransport(() => sourced('{"ok":true}'));
  const client = createClient({ transport, cookies: false });
  for (const how of ['text', 'json', 'arrayBuffer'] as const) {
    const res = await client.get('http://127.0.0.1:9/x');
    assert.equal(res.bodyUsed, false);
    await read(res, how);
    assert.equal(res.bodyUsed, true);
  }
});

test('a derived response whose stream was touched on the original: reading it counts for the derived one', async () => {
  const original = sourced('handed on');
  assert.ok(original.body); // touched, not read
  const derived = deriveResponse(original, { status: 201 });
  const chunks: Uint8Array[] = [];
  for await (const chunk of derived.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString(), 'handed on');
  const e = await consumedError(derived.text());
  assert.match(e.message, /body stream/);
  const o = await consumedError(original.text());
  assert.match(o.message, /middleware/, 'the original says it was handed on');
});
