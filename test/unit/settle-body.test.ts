import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestBody } from '../../src/core/message/body.js';
import { settleStreamBody } from '../../src/core/message/settle-body.js';

const enc = new TextEncoder();
const streamBody = (source: ReadableStream<Uint8Array>): RequestBody => ({ source, length: null, type: null, replay: null });
const text = async (body: RequestBody) => new Response(body.source as ReadableStream<Uint8Array>).text();

test('a stream that has already ended becomes its bytes: known length, replayable', async () => {
  const body = await settleStreamBody(
    streamBody(
      new ReadableStream({
        start(c) {
          c.enqueue(enc.encode('hello'));
          c.close();
        },
      }),
    ),
  );
  assert.equal(body.length, 5);
  assert.ok(body.source instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(body.source as Uint8Array), 'hello');
  assert.equal(body.replay?.(), body);
});

test('an empty stream becomes zero bytes', async () => {
  const body = await settleStreamBody(streamBody(new ReadableStream({ start: (c) => c.close() })));
  assert.equal(body.length, 0);
});

test('a longer stream goes on as a stream, every chunk in order, read ahead by at most two reads', async () => {
  let pulls = 0;
  const parts = ['a', 'b', 'c', 'd'];
  const source = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        pulls++;
        const p = parts.shift();
        if (p === undefined) c.close();
        else c.enqueue(enc.encode(p));
      },
    },
    { highWaterMark: 0 },
  );
  const body = await settleStreamBody(streamBody(source));
  assert.equal(body.length, null);
  assert.equal(body.replay, null);
  assert.ok(pulls <= 3, `pulled ${pulls} times before sending`);
  assert.equal(await text(body), 'abcd');
});

test('a stream that waits (for the response, say) is not waited for', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const source = new ReadableStream<Uint8Array>({
    async pull(c) {
      await gate;
      c.enqueue(enc.encode('late'));
      c.close();
    },
  });
  const body = await settleStreamBody(streamBody(source));
  assert.equal(body.length, null);
  release();
  assert.equal(await text(body), 'late');
});

test('a stream that fails surfaces the failure when it is read, not before', async () => {
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      c.error(new Error('broken upload'));
    },
  });
  const body = await settleStreamBody(streamBody(source));
  await assert.rejects(text(body), /broken upload/);
});
