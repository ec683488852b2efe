/**
 * Conformance cases: every body kind, streaming both ways.
 */
import type { Echo } from './cases-basic.js';
import { type ConformanceCase, expectCode, type SuiteContext } from './suite.js';

const enc = new TextEncoder();

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

async function* chunks(): AsyncGenerator<Uint8Array | string> {
  yield 'async ';
  yield enc.encode('iterable');
}

export function bodyCases(ctx: SuiteContext): ConformanceCase[] {
  const { url } = ctx;
  const post = async (init: Record<string, unknown>, options?: Parameters<SuiteContext['withClient']>[0]): Promise<Echo> =>
    ctx.withClient({ cookies: false, ...options }, async (c) => (await (await c.post(url('/echo'), init)).json()) as Echo);
  const caps = ctx.transport.capabilities;
  return [
    {
      name: 'bodies: a string goes out as UTF-8 text with its Content-Length',
      run: async (assert) => {
        const echo = await post({ body: 'héllo wörld' });
        assert.equal(echo.headers['content-type'], 'text/plain;charset=UTF-8');
        assert.equal(echo.headers['content-length'], String(enc.encode('héllo wörld').byteLength));
        assert.equal(echo.base64, b64(enc.encode('héllo wörld')));
      },
    },
    {
      name: 'bodies: json, form and files',
      run: async (assert) => {
        const j = await post({ json: { a: [1, 'two'], ok: true } });
        assert.equal(j.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(j.body), { a: [1, 'two'], ok: true });
        const f = await post({ form: { q: 'a b', tag: ['x', 'y'] } });
        assert.equal(f.headers['content-type'], 'application/x-www-form-urlencoded;charset=UTF-8');
        assert.equal(f.body, 'q=a+b&tag=x&tag=y');
        const m = await post({ form: { field: 'v' }, files: { upload: { content: 'file body', filename: 'a.txt', type: 'text/plain' } } });
        assert.ok(m.headers['content-type']?.startsWith('multipart/form-data; boundary='), 'multipart content-type');
        assert.ok(m.body.includes('name="field"\r\n\r\nv\r\n'), 'the form field');
        // Bun normalises the Blob type to text/plain;charset=utf-8.
        assert.ok(/filename="a\.txt"\r\nContent-Type: text\/plain(;charset=utf-8)?\r\n\r\nfile body\r\n/.test(m.body), 'the file part');
      },
    },
    {
      name: 'bodies: bytes, ArrayBuffer, Blob, URLSearchParams and FormData arrive exactly',
      run: async (assert) => {
        const bytes = new Uint8Array(256).map((_, i) => i);
        assert.equal((await post({ body: bytes })).base64, b64(bytes), 'Uint8Array');
        assert.equal((await post({ body: bytes.buffer })).base64, b64(bytes), 'ArrayBuffer');
        const blob = await post({ body: new Blob([bytes], { type: 'application/x-test' }) });
        assert.equal(blob.base64, b64(bytes), 'Blob');
        assert.equal(blob.headers['content-type'], 'application/x-test');
        assert.equal(blob.headers['content-length'], '256');
        assert.equal((await post({ body: new URLSearchParams({ a: '1', b: '2' }) })).body, 'a=1&b=2');
        const fd = new FormData();
        fd.append('k', 'v');
        const form = await post({ body: fd });
        assert.ok(form.headers['content-type']?.startsWith('multipart/form-data'), 'FormData content-type');
        assert.ok(form.body.includes('name="k"\r\n\r\nv'), 'FormData field');
      },
    },
    {
      name: 'bodies: a ReadableStream, an async iterable and a producer function',
      run: async (assert) => {
        const stream = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(enc.encode('stream '));
            c.enqueue(enc.encode('body'));
            c.close();
          },
        });
        assert.equal((await post({ body: stream })).body, 'stream body', 'ReadableStream');
        assert.equal((await post({ body: chunks() })).body, 'async iterable', 'async iterable');
        assert.equal((await post({ body: () => 'produced' })).body, 'produced', 'producer');
      },
    },
    {
      name: 'bodies: a GET with a body, or json with body, is refused before any I/O',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const path = ctx.unique('refused-body');
          expectCode(assert, await assert.rejects(c.fetch(url(path), { method: 'GET', body: 'x' })), 'ERR_INVALID_OPTION');
          expectCode(assert, await assert.rejects(c.post(url(path), { json: {}, body: 'x' })), 'ERR_INVALID_OPTION');
          assert.equal(await ctx.hits(path), 0, 'nothing was sent');
        }),
    },
    {
      name: 'streaming download: the first chunk arrives before the body ends',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const id = ctx.unique('gate').slice(1);
          const res = await c.get(url(`/stream-gate?id=${id}`));
          const reader = (res.body as ReadableStream<Uint8Array>).getReader();
          const first = await reader.read();
          assert.equal(new TextDecoder().decode(first.value), 'first|');
          const released = (await (await globalThis.fetch(url(`/release?id=${id}`))).json()) as { released: boolean };
          assert.ok(released.released, 'the server was still holding the body');
          let rest = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            rest += new TextDecoder().decode(value);
          }
          assert.equal(rest, 'second');
        }),
    },
    caps.streamingUpload
      ? {
          name: 'streaming upload: bytes reach the server before the body ends (chunked)',
          run: (assert) =>
            ctx.withClient({ cookies: false }, async (c) => {
              const id = ctx.unique('up').slice(1);
              let step = 0;
              let early = false;
              const body = new ReadableStream<Uint8Array>({
                async pull(controller) {
                  if (step++ === 0) {
                    controller.enqueue(enc.encode('part one;'));
                    return;
                  }
                  for (let i = 0; i < 200; i++) {
                    const seen = (await (await globalThis.fetch(url(`/seen?id=${id}`))).json()) as { bytes: number };
                    if (seen.bytes > 0) {
                      early = true;
                      break;
                    }
                    await new Promise((r) => setTimeout(r, 25));
                  }
                  controller.enqueue(enc.encode('part two'));
                  controller.close();
                },
              });
              const res = (await (await c.post(url(`/upload-gate?id=${id}`), { body })).json()) as { text: string; chunked: boolean };
              assert.equal(res.text, 'part one;part two');
              assert.equal(res.chunked, true, 'sent chunked');
              assert.ok(early, 'the first part reached the server while the body was still open');
              const seen = (await (await globalThis.fetch(url(`/seen?id=${id}`))).json()) as { bytes: number };
              assert.equal(seen.bytes, 17);
            }),
        }
      : {
          name: 'streaming upload (not capable): a stream body is collected and sent whole',
          run: (assert) =>
            ctx.withClient({ cookies: false }, async (c) => {
              const id = ctx.unique('up').slice(1);
              const res = (await (await c.post(url(`/upload-gate?id=${id}`), { body: chunks() })).json()) as {
                text: string;
                chunked: boolean;
              };
              assert.equal(res.text, 'async iterable');
              assert.equal(res.chunked, false);
            }),
        },
  ];
}
