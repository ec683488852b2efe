import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import busboy from 'busboy';
import { createClient } from '../../src/core/index.js';
import { bodyFromJson, requestParts, utf8Length } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

function capture() {
  return inlineTransport(async (req) => {
    const parts = requestParts(req);
    const bytes = new Uint8Array(await req.arrayBuffer());
    return Response.json({
      length: parts.body?.length ?? null,
      replayable: parts.body ? parts.body.replay !== null : true,
      type: req.headers.get('content-type'),
      text: new TextDecoder().decode(bytes),
      size: bytes.byteLength,
    });
  });
}

type Seen = { length: number | null; replayable: boolean; type: string | null; text: string; size: number };

async function send(init: Record<string, unknown>): Promise<Seen> {
  const client = createClient({ transport: capture(), cookies: false });
  const res = await client.post('http://127.0.0.1/', init);
  return (await res.json()) as Seen;
}

function parseMultipart(
  type: string,
  body: Buffer,
): Promise<{ fields: Record<string, string>; files: { name: string; filename: string; mime: string; data: string }[] }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: { name: string; filename: string; mime: string; data: string }[] = [];
    const bb = busboy({ headers: { 'content-type': type } });
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        files.push({ name, filename: info.filename ?? '', mime: info.mimeType, data: Buffer.concat(chunks).toString() }),
      );
    });
    bb.on('close', () => resolve({ fields, files }));
    bb.on('error', reject);
    bb.end(body);
  });
}

describe('request bodies', () => {
  test('json: application/json, known length, replayable', async () => {
    const seen = await send({ json: { a: 'é', n: [1, 2] } });
    assert.equal(seen.type, 'application/json');
    assert.equal(seen.text, '{"a":"é","n":[1,2]}');
    assert.equal(seen.length, seen.size);
    assert.equal(seen.replayable, true);
  });

  test('json with an entry encoder (Node: pooled Buffers): bytes of the same text, same length', async () => {
    const body = bodyFromJson({ a: 'é', n: [1, 2] }, (text) => Buffer.from(text));
    assert.ok(body.source instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(body.source as Uint8Array), '{"a":"é","n":[1,2]}');
    assert.equal(body.length, 20);
    assert.equal(body.replay?.(), body);
    // The Node entry's client sends them so (the default client of this package).
    const { createClient: nodeClient } = await import('../../src/index.node.js');
    let seen: unknown;
    const transport = inlineTransport(async (req) => {
      seen = requestParts(req).body?.source;
      return new Response('ok');
    });
    const client = nodeClient({ transport });
    await client.post('http://127.0.0.1:9/x', { json: { a: 1 } });
    assert.ok(Buffer.isBuffer(seen), 'a Buffer on Node');
  });

  test('form: object with arrays, and URLSearchParams', async () => {
    const a = await send({ form: { q: 'a b', tag: ['x', 'y'] } });
    assert.equal(a.type, 'application/x-www-form-urlencoded;charset=UTF-8');
    assert.equal(a.text, 'q=a+b&tag=x&tag=y');
    const b = await send({ form: new URLSearchParams([['k', 'v']]) });
    assert.equal(b.text, 'k=v');
  });

  test('files: multipart/form-data, parsed back by a real parser, with Content-Length', async () => {
    const seen = await send({
      form: { title: 'report', 'we"ird': 'line1\nline2' },
      files: {
        doc: new File(['hello file'], 'hello.txt', { type: 'text/plain' }),
        blobs: [new Blob(['one']), { content: new TextEncoder().encode('two'), filename: 'two.bin', type: 'application/x-two' }],
      },
    });
    const type = seen.type as string;
    assert.match(type, /^multipart\/form-data; boundary=----ferry-[0-9a-f]{32}$/);
    const body = Buffer.from(seen.text);
    assert.equal(seen.length, body.byteLength);
    const { fields, files } = await parseMultipart(type, body);
    assert.equal(fields.title, 'report');
    assert.equal(fields['we%22ird'], 'line1\r\nline2');
    assert.deepEqual(
      files.map((f) => [f.name, f.filename, f.mime, f.data]),
      [
        ['doc', 'hello.txt', 'text/plain', 'hello file'],
        ['blobs', 'blob', 'application/octet-stream', 'one'],
        ['blobs', 'two.bin', 'application/x-two', 'two'],
      ],
    );
  });

  test('multipart boundaries are random', async () => {
    const a = await send({ files: { f: new Blob(['x']) } });
    const b = await send({ files: { f: new Blob(['x']) } });
    assert.notEqual(a.type, b.type);
  });

  test('bytes, ArrayBuffer, Blob, string: known length; bytes are copied like fetch does', async () => {
    const bytes = new Uint8Array([104, 105]);
    const client = createClient({ transport: capture(), cookies: false });
    const pending = client.post('http://127.0.0.1/', { body: bytes });
    bytes[0] = 0;
    assert.equal(((await (await pending).json()) as Seen).text, 'hi');
    assert.equal((await send({ body: new Uint8Array([1, 2, 3]).buffer })).length, 3);
    assert.equal((await send({ body: new Blob(['abcd'], { type: 'x/y' }) })).type, 'x/y');
    const s = await send({ body: '€uro' });
    assert.equal(s.length, 6);
    assert.equal(s.type, 'text/plain;charset=UTF-8');
  });

  test('async iterables and generators stream with unknown length, once', async () => {
    async function* gen() {
      yield 'a';
      yield new TextEncoder().encode('b');
      yield 'c';
    }
    const seen = await send({ body: gen() });
    assert.equal(seen.text, 'abc');
    assert.equal(seen.length, null);
    assert.equal(seen.replayable, false);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('s'));
        c.close();
      },
    });
    assert.equal((await send({ body: stream })).text, 's');
  });

  test('a producer () => body is replayable: each send gets a fresh body', async () => {
    let calls = 0;
    const seen = await send({
      body: () => {
        calls++;
        return (async function* () {
          yield `call ${calls}`;
        })();
      },
    });
    assert.equal(seen.text, 'call 1');
    assert.equal(seen.replayable, true);
  });

  test('utf8Length counts like TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '𝄞', 'a\uD800b', 'mixed é € 𝄞'])
      assert.equal(utf8Length(s), new TextEncoder().encode(s).byteLength, s);
  });
});
