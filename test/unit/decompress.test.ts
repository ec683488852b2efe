import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { createClient, DecodingError, FerryResponse, ResponseTruncatedError } from '../../src/core/index.js';
import { acceptEncodingFor, type Decoder, type ResponseSource, webDecoders } from '../../src/core/kit.js';
import { nodeDecoders, zstdFactory } from '../../src/transports/node/decoders.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const text = 'hello, decoded world '.repeat(50);

function encoded(body: Uint8Array, coding: string | null, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (coding !== null) headers.set('content-encoding', coding);
  headers.set('content-length', String(body.byteLength));
  return new Response(init.status === 204 || init.status === 304 ? null : (body as Uint8Array<ArrayBuffer>), { ...init, headers });
}

function setup(reply: (req: Request) => Response, options: Parameters<typeof createClient>[0] = {}, node = true, caps = {}) {
  const base = inlineTransport(reply, caps);
  const transport = node ? { ...base, decoders: nodeDecoders() } : base;
  const client = createClient({ transport, cookies: false, ...options });
  return { client, requests: base.requests };
}

const zstd = zstdFactory();

describe('Accept-Encoding', () => {
  test('lists only the codings this runtime decodes; zstd only where node:zlib has it', async () => {
    const { client, requests } = setup(() => new Response('ok'));
    await client.get('http://example.com/');
    const sent = requests[0]?.headers.get('accept-encoding');
    // the decision, asserted: Node 20 has no zstd in node:zlib, Node ≥ 22.15 has
    assert.equal(sent, zstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
    assert.equal(typeof zstd === 'function', typeof (zlib as unknown as Record<string, unknown>).createZstdDecompress === 'function');
  });

  test('with web-standard decoders only: gzip and deflate', async () => {
    const { client, requests } = setup(() => new Response('ok'), {}, false);
    await client.get('http://example.com/');
    assert.equal(requests[0]?.headers.get('accept-encoding'), 'gzip, deflate');
    assert.deepEqual(Object.keys(webDecoders()).sort(), ['deflate', 'gzip', 'x-gzip']);
  });

  test('a user-set Accept-Encoding is left alone', async () => {
    const { client, requests } = setup(() => new Response('ok'), { headers: { 'accept-encoding': 'identity' } });
    await client.get('http://example.com/');
    await client.get('http://example.com/', { headers: { 'Accept-Encoding': 'br' } });
    assert.deepEqual(
      requests.map((r) => r.headers.get('accept-encoding')),
      ['identity', 'br'],
    );
  });

  test('decoders added by the user are advertised', () => {
    const d: Decoder = (s) => s;
    assert.equal(acceptEncodingFor({ lz4: d, gzip: d, 'x-gzip': d, identity: d }), 'gzip, lz4');
  });
});

describe('decoding', () => {
  const bytes = new TextEncoder().encode(text);
  const cases: [string, string, () => Uint8Array][] = [
    ['gzip', 'gzip', () => zlib.gzipSync(bytes)],
    ['x-gzip', 'x-gzip', () => zlib.gzipSync(bytes)],
    ['deflate (zlib-wrapped)', 'deflate', () => zlib.deflateSync(bytes)],
    ['deflate (raw)', 'deflate', () => zlib.deflateRawSync(bytes)],
    ['br', 'br', () => zlib.brotliCompressSync(bytes)],
    ['stacked deflate, gzip', 'deflate, gzip', () => zlib.gzipSync(zlib.deflateSync(bytes))],
    [
      'stacked gzip, br, deflate (mixed case, spaces)',
      ' GZIP ,br,Deflate',
      () => zlib.deflateRawSync(zlib.brotliCompressSync(zlib.gzipSync(bytes))),
    ],
    ['concatenated gzip members', 'gzip', () => Buffer.concat([zlib.gzipSync(bytes.subarray(0, 100)), zlib.gzipSync(bytes.subarray(100))])],
  ];
  for (const [name, coding, make] of cases) {
    test(`${name} decodes; Content-Encoding and Content-Length are dropped`, async () => {
      const { client } = setup(() => encoded(make(), coding, { headers: { 'x-kept': '1' } }));
      const res = await client.get('http://example.com/');
      assert.equal(await res.text(), text);
      assert.equal(res.headers.get('content-encoding'), null);
      assert.equal(res.headers.get('content-length'), null);
      assert.equal(res.headers.get('x-kept'), '1');
    });
  }

  test('web-standard decoders: gzip, zlib and raw deflate', async () => {
    for (const [coding, data] of [
      ['gzip', zlib.gzipSync(bytes)],
      ['deflate', zlib.deflateSync(bytes)],
      ['deflate', zlib.deflateRawSync(bytes)],
    ] as const) {
      const { client } = setup(() => encoded(data, coding), {}, false);
      assert.equal(await (await client.get('http://example.com/')).text(), text);
    }
  });

  test(`zstd ${zstd ? 'decodes (node:zlib has it here)' : 'is not offered (node:zlib lacks it here)'}`, async () => {
    const compress = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array) => Buffer }).zstdCompressSync;
    assert.equal(zstd === undefined, compress === undefined);
    if (!compress) {
      // no decoder: the response comes back as it came
      const { client } = setup(() => encoded(new Uint8Array([1, 2, 3]), 'zstd'));
      const res = await client.get('http://example.com/');
      assert.equal(res.headers.get('content-encoding'), 'zstd');
      assert.equal((await res.arrayBuffer()).byteLength, 3);
      return;
    }
    const { client } = setup(() => encoded(compress(bytes), 'zstd'));
    assert.equal(await (await client.get('http://example.com/')).text(), text);
  });

  test('an empty body with Content-Encoding decodes to an empty body', async () => {
    const { client } = setup(
      () => new Response(new ReadableStream({ start: (c) => c.close() }), { headers: { 'content-encoding': 'deflate' } }),
    );
    assert.equal(await (await client.get('http://example.com/')).text(), '');
  });

  test('identity and unknown codings leave the response as it came', async () => {
    const { client } = setup((req) =>
      new URL(req.url).pathname === '/id' ? encoded(bytes, 'identity') : encoded(new Uint8Array([9, 9]), 'gzip, lzma'),
    );
    const id = await client.get('http://example.com/id');
    assert.equal(await id.text(), text);
    const unknown = await client.get('http://example.com/unknown');
    assert.equal(unknown.headers.get('content-encoding'), 'gzip, lzma');
    assert.deepEqual(new Uint8Array(await unknown.arrayBuffer()), new Uint8Array([9, 9]));
  });

  test('more than 5 stacked codings is a DecodingError', async () => {
    let data: Uint8Array = bytes;
    for (let i = 0; i < 6; i++) data = zlib.gzipSync(data);
    const { client } = setup(() => encoded(data, 'gzip, gzip, gzip, gzip, gzip, gzip'));
    await assert.rejects(client.get('http://example.com/'), (e: unknown) => e instanceof DecodingError && /more than 5/.test(e.message));
    let five: Uint8Array = bytes;
    for (let i = 0; i < 5; i++) five = zlib.gzipSync(five);
    const ok = setup(() => encoded(five, 'gzip, gzip, gzip, gzip, gzip'));
    assert.equal(await (await ok.client.get('http://example.com/')).text(), text);
  });

  test('ClientOptions.decoders add a coding and replace a built-in one', async () => {
    const upper: Decoder = (s) =>
      s.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, c) => c.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())),
        }),
      );
    const { client, requests } = setup((req) => encoded(new TextEncoder().encode('shout'), new URL(req.url).pathname.slice(1)), {
      decoders: { upper, gzip: upper },
    });
    assert.equal(await (await client.get('http://example.com/upper')).text(), 'SHOUT');
    assert.equal(await (await client.get('http://example.com/gzip')).text(), 'SHOUT');
    assert.equal(requests[0]?.headers.get('accept-encoding'), zstd ? 'gzip, deflate, br, zstd, upper' : 'gzip, deflate, br, upper');
  });
});

describe('when not to decode', () => {
  const gz = zlib.gzipSync(text);

  test('decompress: false returns the raw bytes with Content-Encoding intact (client and per request)', async () => {
    const off = setup(() => encoded(gz, 'gzip'), { decompress: false });
    const res = await off.client.get('http://example.com/');
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), gz);
    const on = setup(() => encoded(gz, 'gzip'));
    const raw = await on.client.get('http://example.com/', { decompress: false });
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), gz);
    assert.equal(await (await off.client.get('http://example.com/', { decompress: true })).text(), text);
  });

  test('HEAD, 204, 304 and 3xx bodies are never decoded', async () => {
    const { client } = setup((req) => {
      const status = Number(new URL(req.url).pathname.slice(1)) || 200;
      return encoded(new TextEncoder().encode('not gzip at all'), 'gzip', { status, headers: { location: '/elsewhere' } });
    });
    const head = await client.head('http://example.com/200');
    assert.equal(head.headers.get('content-encoding'), 'gzip');
    for (const status of [204, 304]) {
      const res = await client.get(`http://example.com/${status}`);
      assert.equal(res.status, status);
      assert.equal(res.headers.get('content-encoding'), 'gzip');
    }
    const moved = await client.get('http://example.com/302', { redirect: 'manual' });
    assert.equal(moved.headers.get('content-encoding'), 'gzip');
    assert.equal(await moved.text(), 'not gzip at all');
  });

  test('a response without Content-Encoding is not touched: text() reads the source directly', async () => {
    let streamed = 0;
    let direct = 0;
    const source: ResponseSource = {
      stream: () => {
        streamed++;
        return new Response('plain').body as ReadableStream<Uint8Array>;
      },
      text: async () => {
        direct++;
        return 'plain';
      },
      cancel: () => {},
    };
    const { client } = setup(() => new FerryResponse(source, { headers: { 'content-type': 'text/plain' } }));
    const res = await client.get('http://example.com/');
    assert.equal(await res.text(), 'plain');
    assert.deepEqual([direct, streamed], [1, 0]);
  });
});

describe('failures', () => {
  test('corrupt data is a DecodingError on read, naming the request', async () => {
    const { client } = setup(() => encoded(new TextEncoder().encode('this is not gzip'), 'gzip'));
    const res = await client.get('http://example.com/corrupt');
    await assert.rejects(
      res.text(),
      (e: unknown) =>
        e instanceof DecodingError &&
        e.code === 'ERR_DECODING' &&
        /^GET http:\/\/example\.com\/corrupt: cannot decode gzip body/.test(e.message),
    );
  });

  test('corrupt data is a DecodingError with the web-standard decoder too', async () => {
    const { client } = setup(() => encoded(new TextEncoder().encode('xxxxxxxxxxxxxxx'), 'deflate'), {}, false);
    await assert.rejects((await client.get('http://example.com/')).text(), DecodingError);
  });

  test('a truncated gzip body is a DecodingError', async () => {
    const gz = zlib.gzipSync(text);
    const { client } = setup(() => encoded(gz.subarray(0, gz.byteLength - 12), 'gzip'));
    await assert.rejects((await client.get('http://example.com/')).arrayBuffer(), DecodingError);
  });

  test('maxDecompressedBytes: past the limit the body errors with DecodingError, holding no more than the limit', async () => {
    const big = zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024));
    const { client } = setup(() => encoded(big, 'gzip'), { maxDecompressedBytes: 1024 * 1024 });
    const res = await client.get('http://example.com/');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let delivered = 0;
    const error = await (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done) return null;
        delivered += r.value.byteLength;
      }
    })().catch((e) => e);
    assert.ok(error instanceof DecodingError, String(error));
    assert.match(error.message, /more than maxDecompressedBytes \(1048576\)/);
    assert.ok(delivered <= 1024 * 1024, `delivered ${delivered}`);
    // per request, the limit can be raised
    const whole = await client.get('http://example.com/', { maxDecompressedBytes: 8 * 1024 * 1024 });
    assert.equal((await whole.arrayBuffer()).byteLength, 4 * 1024 * 1024);
  });

  test('a ferry error of the transport body (e.g. truncation) passes through as it is', async () => {
    const gz = zlib.gzipSync(text);
    const truncated = new ResponseTruncatedError('GET http://example.com/: body ended early');
    const { client } = setup(
      () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(gz.subarray(0, 20));
              c.error(truncated);
            },
          }),
          { headers: { 'content-encoding': 'gzip' } },
        ),
    );
    const res = await client.get('http://example.com/');
    const error = await res.text().catch((e) => e);
    assert.equal(error, truncated);
  });

  test('cancelling the decoded body cancels the transport body', async () => {
    let cancelled = false;
    const chunk = zlib.gzipSync(Buffer.alloc(64 * 1024));
    const { client } = setup(
      () =>
        new Response(
          new ReadableStream({
            pull(c) {
              c.enqueue(chunk);
            },
            cancel() {
              cancelled = true;
            },
          }),
          { headers: { 'content-encoding': 'gzip' } },
        ),
    );
    const res = await client.get('http://example.com/');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    for (let i = 0; i < 50 && !cancelled; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(cancelled, true);
  });
});

describe('transports that decode by themselves', () => {
  test('the middleware steps aside: no Accept-Encoding, body as the transport gave it', async () => {
    const { client, requests } = setup(() => new Response('already decoded', { headers: { 'content-encoding': 'gzip' } }), {}, false, {
      rawBody: false,
    });
    const res = await client.get('http://example.com/');
    assert.equal(requests[0]?.headers.get('accept-encoding'), null);
    assert.equal(await res.text(), 'already decoded');
  });

  test('decompress: false there is left to the transport (it honours or refuses it)', async () => {
    const { client, requests } = setup(
      (req) => new Response('x', { headers: { 'x-seen': String(req.headers.get('accept-encoding')) } }),
      {},
      false,
      {
        rawBody: false,
      },
    );
    const res = await client.get('http://example.com/', { decompress: false });
    assert.equal(res.headers.get('x-seen'), 'null');
    assert.equal(requests.length, 1);
    assert.doesNotThrow(() => createClient({ transport: inlineTransport(() => new Response('x'), { rawBody: false }), decompress: false }));
  });
});
