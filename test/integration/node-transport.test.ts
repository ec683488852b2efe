import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import busboy from 'busboy';
import { ConnectError, createClient, FerryResponse, fetch } from '../../src/index.node.js';
import { createEchoServer, createTestServer, readBody } from '../helpers/server.js';

type Echo = { method: string; url: string; headers: Record<string, string>; body: string };

describe('node transport: the wire', () => {
  test('every method reaches the server with its body and comes back', async (t) => {
    const server = await createEchoServer(t);
    const client = createClient({ baseURL: server.url });
    t.after(() => client.close());
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']) {
      const res = await client.request(method, '/m', method === 'GET' || method === 'PROPFIND' ? {} : { body: `to ${method}` });
      const echo = (await res.json()) as Echo;
      assert.equal(echo.method, method);
      if (method !== 'GET' && method !== 'PROPFIND') assert.equal(echo.body, `to ${method}`);
    }
    const head = await client.head('/m');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('headers round trip: request headers, Host from the URL, repeated response headers', async (t) => {
    const server = await createTestServer(t, (req, res) => {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.setHeader('x-echo', String(req.headers['x-custom']));
      res.setHeader('x-host', String(req.headers.host));
      res.end('ok');
    });
    const res = await fetch(`${server.url}/h`, { headers: { 'X-Custom': 'value 1' } });
    assert.ok(res instanceof Response);
    assert.ok(res instanceof FerryResponse);
    assert.equal(res.headers.get('x-echo'), 'value 1');
    assert.equal(res.headers.get('x-host'), `127.0.0.1:${server.port}`);
    assert.deepEqual(res.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/']);
    assert.equal(res.url, `${server.url}/h`);
    assert.equal(res.httpVersion, '1.1');
    await res.text();
  });

  test('each body kind on the wire, with Content-Length when the length is known', async (t) => {
    const server = await createEchoServer(t);
    const client = createClient({ baseURL: server.url });
    t.after(() => client.close());
    const post = async (init: Record<string, unknown>) => (await (await client.post('/b', init)).json()) as Echo;

    let e = await post({ json: { x: 'é' } });
    assert.equal(e.headers['content-type'], 'application/json');
    assert.equal(e.headers['content-length'], String(Buffer.byteLength('{"x":"é"}')));
    e = await post({ form: { a: '1', b: ['2', '3'] } });
    assert.equal(Buffer.from(e.body, 'latin1').toString(), 'a=1&b=2&b=3');
    e = await post({ body: new Uint8Array([1, 2, 3, 4]) });
    assert.equal(e.headers['content-length'], '4');
    e = await post({ body: new Blob(['blob body']) });
    assert.equal(e.headers['content-length'], '9');
    assert.equal(e.body, 'blob body');
    e = await post({
      body: (async function* () {
        yield 'chunk1-';
        yield 'chunk2';
      })(),
    });
    assert.equal(e.headers['transfer-encoding'], 'chunked');
    assert.equal(e.body, 'chunk1-chunk2');
    e = await post({ body: () => 'produced' });
    assert.equal(e.body, 'produced');
  });

  test('multipart files are parsed by a real parser on the server', async (t) => {
    const got: string[] = [];
    const server = await createTestServer(t, (req, res) => {
      const bb = busboy({ headers: req.headers });
      bb.on('field', (name, value) => got.push(`field ${name}=${value}`));
      bb.on('file', (name, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => got.push(`file ${name} ${info.filename} ${info.mimeType} ${Buffer.concat(chunks).length}`));
      });
      bb.on('close', () => res.end(String(req.headers['content-length'])));
      req.pipe(bb);
    });
    const big = new Uint8Array(300_000).fill(7);
    const res = await fetch(`${server.url}/upload`, {
      method: 'POST',
      form: { kind: 'report' },
      files: { attachment: new File([big], 'big.bin', { type: 'application/octet-stream' }) },
    });
    assert.ok(Number(await res.text()) > 300_000);
    assert.deepEqual(got, ['field kind=report', 'file attachment big.bin application/octet-stream 300000']);
  });

  test('connection refused is a typed ConnectError naming method and URL', async () => {
    const server = await createTestServer(undefined, (_q, s) => s.end());
    const { url } = server;
    await server.close();
    await assert.rejects(fetch(`${url}/gone`), (e: Error) => {
      assert.ok(e instanceof ConnectError);
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, `GET ${url}/gone: connection refused`);
      assert.ok(e.cause);
      return true;
    });
  });

  test('a data: URL behaves as in the platform fetch', async () => {
    const res = await fetch('data:text/plain,hello');
    assert.equal(await res.text(), 'hello');
  });
});

describe('node transport: streaming and pooling', () => {
  const MiB = 1024 * 1024;

  test('a 50 MiB streamed upload and download keep RSS flat', async (t) => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const server = await createTestServer(t, (req, res) => {
      if (req.method === 'POST') {
        let n = 0;
        req.on('data', (c: Buffer) => (n += c.length));
        req.on('end', () => res.end(`${n}`));
        return;
      }
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 * MiB) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.setHeader('content-length', String(50 * MiB));
      pump();
    });
    // A child with --expose-gc measures each direction from a collected heap, away from the
    // other tests' allocations in this process. Its young generation is capped (8 MiB
    // semi-spaces): left to grow to V8's default 2 × 16 MiB under a loaded machine, it alone
    // once moved RSS by 32 MiB, which says nothing about what ferry holds.
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=8', '--import', 'tsx', 'test/fixtures/stream-rss.ts', server.url],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, out);
    const { up, down } = JSON.parse(out) as { up: number; down: number };
    // Holding either body would add 50 MiB; streaming stays well below.
    assert.ok(up < 32, `upload grew RSS by ${up.toFixed(1)} MiB`);
    assert.ok(down < 32, `download grew RSS by ${down.toFixed(1)} MiB`);
  });

  test('a slow reader applies backpressure: the server cannot run ahead', async (t) => {
    let written = 0;
    const server = await createTestServer(t, (_req, res) => {
      const chunk = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (written < 64 * MiB) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const res = await fetch(`${server.url}/slow`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 300));
    // socket buffers on both sides are a few MiB at most, nothing like 64 MiB
    assert.ok(written < 16 * MiB, `server wrote ${(written / MiB).toFixed(1)} MiB ahead of the reader`);
    await reader.cancel();
  });

  test('abort mid-body rejects the read with exactly signal.reason and frees the socket', async (t) => {
    let closed = false;
    const server = await createTestServer(t, (req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write('partial');
      req.socket.on('close', () => (closed = true));
    });
    const ac = new AbortController();
    const res = await fetch(`${server.url}/stall`, { signal: ac.signal });
    const reading = res.text();
    const reason = new Error('user gave up');
    ac.abort(reason);
    await assert.rejects(reading, (e) => e === reason);
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(closed, 'the server saw the socket close');
  });

  test('sequential requests reuse one socket', async (t) => {
    const server = await createTestServer(t, (_q, res) => res.end('x'));
    const client = createClient({ baseURL: server.url });
    t.after(() => client.close());
    for (let i = 0; i < 10; i++) {
      assert.equal(await (await client.get('/')).text(), 'x');
      await new Promise((r) => setImmediate(r)); // any other I/O between requests
    }
    assert.equal(server.connections(), 1);
  });

  test('back-to-back sequential requests never open more than two sockets', async (t) => {
    // undici returns a finished connection to its pool only after the current I/O callback,
    // so a request issued in the same tick as the previous body's end takes a second idle
    // socket; the two then alternate (undici.request measured the same). Not one per request.
    const server = await createTestServer(t, (_q, res) => res.end('x'));
    const client = createClient({ baseURL: server.url });
    t.after(() => client.close());
    for (let i = 0; i < 20; i++) assert.equal(await (await client.get('/')).text(), 'x');
    assert.ok(server.connections() <= 2, `${server.connections()} sockets`);
  });

  test('the per-origin limit holds under 100 concurrent requests', async (t) => {
    let open = 0;
    let maxOpen = 0;
    const server = await createTestServer(t, (_q, res) => setTimeout(() => res.end('ok'), 5));
    server.server.on('connection', (socket) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      socket.on('close', () => open--);
    });
    const client = createClient({ baseURL: server.url, node: { connections: 4 } });
    t.after(() => client.close());
    const results = await Promise.all(Array.from({ length: 100 }, () => client.get('/').then((r) => r.text())));
    assert.equal(results.length, 100);
    assert.ok(maxOpen <= 4, `max ${maxOpen} sockets at once`);
    assert.ok(server.connections() <= 4);
  });

  test('request bodies are pulled by the socket, not pushed ahead of it', async (t) => {
    let produced = 0;
    const server = await createTestServer(t, async (req, res) => {
      await new Promise((r) => setTimeout(r, 300)); // don't read yet
      const body = await readBody(req);
      res.end(String(body.length));
    });
    async function* lazy() {
      for (let i = 0; i < 1024; i++) {
        produced++;
        yield new Uint8Array(64 * 1024);
      }
    }
    const pending = fetch(`${server.url}/pull`, { method: 'POST', body: lazy() });
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(produced < 512, `produced ${produced} chunks before the server read any`);
    assert.equal(await (await pending).text(), String(1024 * 64 * 1024));
  });
});
