/**
 * Flow control, progress and events on the Node transport, and the leak check: a slow reader
 * throttles the socket, cancel frees the connection, progress totals equal the bytes on the
 * wire, events arrive in order across a redirect and decoding, and 1,000 failing requests
 * leave no socket open and no timer keeping the process alive.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Progress } from '../../src/core/index.js';
import { createClient } from '../../src/transports/node/index.js';
import { eventually } from '../helpers/raw-server.js';
import { createTestServer, readBody } from '../helpers/server.js';

const here = dirname(fileURLToPath(import.meta.url));

function client(t: { after: (fn: () => Promise<void>) => void }, options: Parameters<typeof createClient>[0] = {}) {
  const c = createClient({ cookies: false, ...options });
  t.after(() => c.close());
  return c;
}

const watchers: Record<string, Parameters<typeof createClient>[0]> = {
  plain: {},
  'with body events and a total deadline': {
    timeout: 60_000,
    on: { dataReceived: () => {}, downloadProgress: () => {}, dataProcessed: () => {}, postRequest: () => {} },
  },
};

for (const [name, options] of Object.entries(watchers)) {
  test(`a slow reader throttles the socket (bounded memory); cancel stops delivery and frees the connection (${name})`, async (t) => {
    const size = 128 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    let closed = false;
    const server = await createTestServer(t, (req, res) => {
      if (req.url === '/small') return void res.end('small');
      res.writeHead(200, { 'content-length': String(size) });
      res.on('close', () => {
        closed = true;
      });
      const pump = (): void => {
        while (written < size && !closed) {
          written += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (written >= size) res.end();
      };
      pump();
    });
    const c = client(t, { decompress: false, ...options });
    const res = await c.get(`${server.url}/big`);
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 500));
    const stalledAt = written;
    await new Promise((r) => setTimeout(r, 300));
    // the server is blocked by backpressure: only socket buffers' worth went out, and no more
    t.diagnostic(`server wrote ${stalledAt} bytes before backpressure stopped it`);
    assert.ok(stalledAt < 32 * 1024 * 1024, `server wrote ${stalledAt} bytes to a reader that read one chunk`);
    assert.equal(written, stalledAt, 'the server made no progress while the reader idled');

    await reader.cancel();
    assert.ok(await eventually(() => closed), 'the connection was released (the server saw it close)');
    assert.ok(written < size);
    // the pool is fine afterwards
    assert.equal(await (await c.get(`${server.url}/small`)).text(), 'small');
  });
}

test('progress totals equal the bytes sent and received (fixed, streamed, chunked)', async (t) => {
  const payload = Buffer.alloc(1024 * 1024 + 123, 9);
  const server = await createTestServer(t, async (req, res) => {
    const body = await readBody(req);
    if (req.url === '/chunked') {
      res.write(payload.subarray(0, 1000));
      res.end(payload.subarray(1000, 5000));
      return;
    }
    res.writeHead(200, { 'content-length': String(payload.byteLength), 'x-received': String(body.byteLength) });
    res.end(payload);
  });
  const c = client(t, { decompress: false });

  const up: Progress[] = [];
  const down: Progress[] = [];
  const res = await c.post(`${server.url}/fixed`, {
    body: new Uint8Array(payload),
    on: { uploadProgress: (p) => up.push(p), downloadProgress: (p) => down.push(p) },
  });
  const got = await res.arrayBuffer();
  assert.equal(res.headers.get('x-received'), String(payload.byteLength));
  assert.deepEqual(up.at(-1), { loaded: payload.byteLength, total: payload.byteLength });
  assert.ok(up.length > 1);
  assert.deepEqual(down.at(-1), { loaded: got.byteLength, total: payload.byteLength });

  const streamed: Progress[] = [];
  const res2 = await c.post(`${server.url}/fixed`, {
    body: (async function* () {
      for (let i = 0; i < 10; i++) yield new Uint8Array(10_000);
    })(),
    on: { uploadProgress: (p) => streamed.push(p) },
  });
  await res2.arrayBuffer();
  assert.equal(res2.headers.get('x-received'), '100000');
  assert.deepEqual(streamed.at(-1), { loaded: 100_000, total: undefined });

  const chunked: Progress[] = [];
  const res3 = await c.get(`${server.url}/chunked`, { on: { downloadProgress: (p) => chunked.push(p) } });
  assert.equal((await res3.arrayBuffer()).byteLength, 5000);
  assert.deepEqual(chunked.at(-1), { loaded: 5000, total: undefined });
});

test('event order and payloads for a redirected, decoded request', async (t) => {
  const plain = 'hello decoded world '.repeat(2000);
  const gz = gzipSync(plain);
  const server = await createTestServer(t, (req, res) => {
    if (req.url === '/start') return void res.writeHead(302, { location: '/final', 'content-length': '4' }).end('moved');
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gz.byteLength) }).end(gz);
  });
  const c = client(t);
  const log: string[] = [];
  let received = 0;
  let processed = '';
  let lastProgress: Progress | undefined;
  c.on('preRequest', (req) => log.push(`pre ${new URL(req.url).pathname}`));
  c.on('onHeaders', (res) => log.push(`headers ${res.status}`));
  c.on('postRequest', (res) => log.push(`post ${res.status}`));
  c.on('dataReceived', (_res, chunk) => {
    if (log.at(-1) !== 'data') log.push('data');
    received += chunk.byteLength;
  });
  c.on('downloadProgress', (p) => {
    lastProgress = p;
  });
  c.on('dataProcessed', (_res, chunk) => {
    processed += Buffer.from(chunk).toString();
  });
  const res = await c.get(`${server.url}/start`);
  const text = await res.text();
  assert.equal(text, plain);
  assert.deepEqual(log, ['pre /start', 'headers 302', 'post 302', 'pre /final', 'headers 200', 'data', 'post 200']);
  assert.equal(received, gz.byteLength, 'dataReceived sees the raw (encoded) bytes');
  assert.deepEqual(lastProgress, { loaded: gz.byteLength, total: gz.byteLength });
  assert.equal(processed, plain, 'dataProcessed sees each decoded byte once');
});

test('no leaks: after 1,000 requests that time out, abort or truncate, no socket stays open and the process exits on its own', async (t) => {
  const sockets = new Set<Socket>();
  const server = await createTestServer(t, (req, res) => {
    if (req.url === '/stall') return;
    if (req.url === '/trickle') {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 10);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (req.url === '/truncate') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('short');
      setImmediate(() => res.socket?.destroy());
      return;
    }
    // /open?wait=ms: how many sockets besides this one are still open after `wait`
    const wait = Number(new URL(req.url ?? '/', server.url).searchParams.get('wait') ?? 300);
    setTimeout(() => res.end(String(sockets.size - 1)), wait);
  });
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/leak-child.ts'), server.url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const bound = 90_000;
  const code = await new Promise<number | string>((resolve) => {
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('did not exit on its own');
    }, bound);
    child.on('exit', (c) => {
      clearTimeout(killer);
      resolve(c ?? -1);
    });
  });
  assert.equal(code, 0, `child: ${code}\n${err}`);
  const summary = JSON.parse(out.trim()) as { outcomes: Record<string, number>; open: number };
  assert.equal(summary.open, 0, 'no socket stayed open at the server');
  assert.deepEqual(summary.outcomes, {
    'headers:ERR_TIMEOUT': 250,
    'total:ERR_TIMEOUT': 250,
    'abort:abort': 250,
    'truncate:ERR_TRUNCATED': 250,
  });
});

test('a throwing listener fails only its request: the socket is released and the pool keeps working', async (t) => {
  const sockets = new Set<Socket>();
  const server = await createTestServer(t, async (req, res) => {
    await readBody(req).catch(() => Buffer.alloc(0));
    if (req.url === '/big') res.end(Buffer.alloc(1024 * 1024, 1));
    else res.end('fine');
  });
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const c = client(t, { retry: false });
  const boom = new Error('listener failed');

  await assert.rejects(
    c.put(`${server.url}/upload`, {
      body: new Uint8Array(1024 * 1024),
      on: {
        uploadProgress: (p) => {
          if (p.loaded > 128 * 1024) throw boom;
        },
      },
    }),
    (e) => e === boom,
  );

  let seen = 0;
  const res = await c.get(`${server.url}/big`, {
    on: {
      dataReceived: () => {
        if (++seen === 2) throw boom;
      },
    },
  });
  await assert.rejects(res.text(), (e) => e === boom);

  await assert.rejects(
    c.get(`${server.url}/x`, {
      on: {
        onHeaders: () => {
          throw boom;
        },
      },
    }),
    (e) => e === boom,
  );
  assert.equal(await (await c.get(`${server.url}/after`)).text(), 'fine');
  // whatever stays open is idle in the pool, never more than one per request still in flight
  assert.ok(await eventually(() => sockets.size <= 2), `open sockets: ${sockets.size}`);
});
