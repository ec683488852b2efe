import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { DecodingError } from '../../src/core/index.js';
import { createClient } from '../../src/transports/node/index.js';
import { startNginx } from '../helpers/nginx.js';
import { createTestServer } from '../helpers/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const text = Array.from({ length: 4000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog\n`).join('');
const MiB = 1024 * 1024;

describe('nginx: real gzip and br on the wire', () => {
  test('gzip and br from nginx decode; decompress: false shows the coding on the wire', async (t) => {
    const nginx = await startNginx(t, {
      modules: ['brotli'],
      files: { 'www/data.txt': text },
      server: ({ dir }) => `
        root ${dir}/www;
        gzip on; gzip_types text/plain; gzip_min_length 0;
        brotli on; brotli_types text/plain; brotli_min_length 0;`,
    });
    if (!nginx) return;
    const client = createClient({ cookies: false });
    t.after(() => client.close());
    const url = `${nginx.url}/data.txt`;
    for (const coding of ['gzip', 'br']) {
      const raw = await client.get(url, { decompress: false, headers: { 'accept-encoding': coding } });
      assert.equal(raw.headers.get('content-encoding'), coding);
      const wire = new Uint8Array(await raw.arrayBuffer());
      assert.ok(wire.byteLength < text.length / 4, `${coding}: ${wire.byteLength} bytes on the wire`);
      const res = await client.get(url, { headers: { 'accept-encoding': coding } });
      assert.equal(res.headers.get('content-encoding'), null);
      assert.equal(await res.text(), text);
    }
    // with ferry's own Accept-Encoding nginx picks one of them, and it decodes
    const raw = await client.get(url, { decompress: false });
    assert.ok(['gzip', 'br'].includes(raw.headers.get('content-encoding') ?? ''), String(raw.headers.get('content-encoding')));
    await raw.arrayBuffer();
    assert.equal(await (await client.get(url)).text(), text);
    // HEAD: nothing to decode, the headers say what a GET would get
    const head = await client.head(url, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(head.headers.get('content-encoding'), 'gzip');
  });
});

describe('Node zlib servers', () => {
  const payload = Buffer.from(text);
  const variants: Record<string, [string, () => Buffer[]]> = {
    '/deflate-zlib': ['deflate', () => [zlib.deflateSync(payload)]],
    '/deflate-raw': ['deflate', () => [zlib.deflateRawSync(payload)]],
    '/gzip-members': ['gzip', () => [zlib.gzipSync(payload.subarray(0, 1000)), zlib.gzipSync(payload.subarray(1000))]],
    '/x-gzip': ['x-gzip', () => [zlib.gzipSync(payload)]],
    '/stacked': ['deflate, br', () => [zlib.brotliCompressSync(zlib.deflateSync(payload))]],
    '/corrupt': ['gzip', () => [Buffer.from('definitely not gzip')]],
  };

  async function server(t: Parameters<typeof createTestServer>[0]) {
    return createTestServer(t, (req, res) => {
      const v = variants[req.url ?? ''];
      if (!v) {
        res.writeHead(404).end();
        return;
      }
      const [coding, make] = v;
      res.writeHead(200, {
        'content-encoding': coding,
        'content-type': 'text/plain',
        'x-accept-encoding': String(req.headers['accept-encoding']),
      });
      // chunked, one write per member / piece, split further to cross chunk boundaries
      for (const part of make()) {
        const mid = Math.floor(part.byteLength / 2);
        res.write(part.subarray(0, mid));
        res.write(part.subarray(mid));
      }
      res.end();
    });
  }

  test('deflate (zlib and raw), concatenated gzip members, x-gzip and stacked codings decode', async (t) => {
    const srv = await server(t);
    const client = createClient({ cookies: false });
    t.after(() => client.close());
    for (const path of ['/deflate-zlib', '/deflate-raw', '/gzip-members', '/x-gzip', '/stacked']) {
      const res = await client.get(srv.url + path);
      assert.equal(await res.text(), text, path);
    }
    const res = await client.get(`${srv.url}/deflate-zlib`);
    const zstd = typeof (zlib as unknown as Record<string, unknown>).createZstdDecompress === 'function';
    assert.equal(res.headers.get('x-accept-encoding'), zstd ? 'gzip, deflate, br, zstd' : 'gzip, deflate, br');
    await res.arrayBuffer();
  });

  test('corrupt data on the wire is a DecodingError', async (t) => {
    const srv = await server(t);
    const client = createClient({ cookies: false });
    t.after(() => client.close());
    const res = await client.get(`${srv.url}/corrupt`);
    await assert.rejects(res.text(), DecodingError);
  });

  test('zstd: decoded where node:zlib has it (Node 24 when this Node lacks it)', async (t) => {
    const has = typeof (zlib as unknown as Record<string, unknown>).createZstdDecompress === 'function';
    const node24 = join(root, 'runtimes/node_modules/node24/bin/node');
    if (has) {
      const compress = (zlib as unknown as { zstdCompressSync: (b: Buffer) => Buffer }).zstdCompressSync;
      const srv = await createTestServer(t, (_req, res) => {
        res.writeHead(200, { 'content-encoding': 'zstd' }).end(compress(payload));
      });
      const client = createClient({ cookies: false });
      t.after(() => client.close());
      assert.equal(await (await client.get(srv.url)).text(), text);
      return;
    }
    // The decision, asserted: this Node has no zstd, so it is not offered …
    assert.ok(Number(process.versions.node.split('.')[0]) < 23, process.versions.node);
    // … and the Node 24 runtime decodes it.
    if (!existsSync(node24)) {
      if (process.env.CI) throw new Error(`Node 24 runtime missing at ${node24}`);
      t.skip('no Node 24 runtime in runtimes/node_modules');
      return;
    }
    const run = spawnSync(node24, ['--import', 'tsx', join(here, 'fixtures', 'zstd-roundtrip.ts')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      accept: string;
      ok: boolean;
      length: number;
      encoding: string | null;
    };
    assert.equal(result.accept, 'gzip, deflate, br, zstd');
    assert.equal(result.ok, true);
    assert.equal(result.encoding, null);
  });
});

/** Feeds `total` bytes of `byte` through gzip into `res`, honouring backpressure; reports how much was fed. */
function gzipStream(total: number, byte: number): { stream: Readable; fed: () => number } {
  let fed = 0;
  const chunk = Buffer.alloc(256 * 1024, byte);
  const source = new Readable({
    read() {
      if (fed >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk.byteLength, total - fed);
      fed += n;
      this.push(n === chunk.byteLength ? chunk : chunk.subarray(0, n));
    },
  });
  return { stream: source.pipe(zlib.createGzip({ level: 1 })), fed: () => fed };
}

describe('memory', () => {
  test('a gzip bomb (1 GiB of zeros) stops at maxDecompressedBytes with DecodingError; RSS stays small', async (t) => {
    let fed = () => 0;
    const srv = await createTestServer(t, (_req, res) => {
      const g = gzipStream(1024 * MiB, 0);
      fed = g.fed;
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' });
      g.stream.pipe(res);
      res.on('close', () => g.stream.destroy());
    });
    const client = createClient({ cookies: false, maxDecompressedBytes: 10 * MiB });
    t.after(() => client.close());
    global.gc?.();
    const before = process.memoryUsage().rss;
    const res = await client.get(srv.url);
    let delivered = 0;
    let peak = before;
    const error = await (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        delivered += chunk.byteLength;
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    })().catch((e) => e);
    assert.ok(error instanceof DecodingError, String(error));
    assert.match(error.message, /more than maxDecompressedBytes/);
    assert.ok(delivered <= 10 * MiB, `delivered ${delivered}`);
    t.diagnostic(`bomb: delivered ${(delivered / MiB).toFixed(1)} MiB, RSS grew ${((peak - before) / MiB).toFixed(1)} MiB`);
    assert.ok(peak - before < 128 * MiB, `RSS grew by ${((peak - before) / MiB).toFixed(1)} MiB`);
    // the server stopped producing long before 1 GiB: the connection was released
    for (let i = 0; i < 100 && fed() >= 1024 * MiB; i++) await new Promise((r) => setTimeout(r, 20));
    t.diagnostic(`bomb: the server fed ${(fed() / MiB).toFixed(1)} MiB of zeros into gzip before the connection closed`);
    assert.ok(fed() < 512 * MiB, `server fed ${(fed() / MiB).toFixed(0)} MiB into gzip`);
  });

  test('a 200 MiB gzip body decodes as a stream with flat memory', async (t) => {
    const total = 200 * MiB;
    const srv = await createTestServer(t, (_req, res) => {
      const g = gzipStream(total, 0x61);
      res.writeHead(200, { 'content-encoding': 'gzip' });
      g.stream.pipe(res);
      res.on('close', () => g.stream.destroy());
    });
    const client = createClient({ cookies: false });
    t.after(() => client.close());
    const before = process.memoryUsage().rss;
    let peak = before;
    let received = 0;
    let chunks = 0;
    const res = await client.get(srv.url);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      if (++chunks % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss);
      assert.equal(chunk[0], 0x61);
    }
    assert.equal(received, total);
    t.diagnostic(`200 MiB stream: ${chunks} chunks, RSS grew ${((peak - before) / MiB).toFixed(1)} MiB`);
    assert.ok(peak - before < 128 * MiB, `RSS grew by ${((peak - before) / MiB).toFixed(1)} MiB`);
  });
});
