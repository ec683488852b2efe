/**
 * Timeouts and cancellation on the Node transport against servers that stall on purpose:
 * each phase gives a TimeoutError naming it; an abort rejects with exactly signal.reason.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { test } from 'node:test';
import { Agent } from 'undici';
import { TimeoutError } from '../../src/core/index.js';
import { createClient, createNodeTransport } from '../../src/transports/node/index.js';
import { createRawServer, eventually } from '../helpers/raw-server.js';
import { createTestServer } from '../helpers/server.js';

function client(t: { after: (fn: () => Promise<void>) => void }, options: Parameters<typeof createClient>[0] = {}) {
  const c = createClient({ cookies: false, retry: false, ...options });
  t.after(() => c.close());
  return c;
}

function isTimeout(phase: string, url?: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof TimeoutError, String(e));
    assert.equal(e.code, 'ERR_TIMEOUT');
    assert.equal(e.phase, phase);
    if (url) assert.ok(e.message.startsWith(`GET ${url}: `), e.message);
    return true;
  };
}

test('headers: a server that stalls before the headers', async (t) => {
  const server = await createRawServer(t, () => {});
  const c = client(t, { timeout: { headers: 100 } });
  await assert.rejects(c.get(`${server.url}/stall`), isTimeout('headers', `${server.url}/stall`));
  assert.ok(await eventually(() => server.open() === 0), 'the stalled socket is closed');
});

test('bodyIdle: a server that stops mid-body', async (t) => {
  const server = await createRawServer(t, (socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome'));
  const c = client(t, { timeout: { bodyIdle: 100 } });
  const res = await c.get(`${server.url}/`);
  await assert.rejects(res.text(), isTimeout('bodyIdle'));
  const again = await c.get(`${server.url}/`);
  const reader = again.body!.getReader();
  assert.equal(Buffer.from((await reader.read()).value as Uint8Array).toString(), 'some');
  await assert.rejects(reader.read(), isTimeout('bodyIdle'));
  assert.ok(await eventually(() => server.open() === 0));
});

test('bodyIdle does not trip on a body that trickles faster than the deadline', async (t) => {
  const server = await createTestServer(t, (_req, res) => {
    let n = 0;
    const timer = setInterval(() => {
      if (++n > 6) {
        clearInterval(timer);
        res.end();
      } else res.write(`${n}`);
    }, 25);
    res.on('close', () => clearInterval(timer));
  });
  const c = client(t, { timeout: { bodyIdle: 1000 } });
  assert.equal(await (await c.get(server.url)).text(), '123456');
});

test('total covers the body: a trickling body that outlasts the deadline', async (t) => {
  const server = await createTestServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('.'), 20);
    res.on('close', () => clearInterval(timer));
  });
  const c = client(t, { timeout: 200 });
  const res = await c.get(`${server.url}/trickle`);
  assert.equal(res.status, 200);
  await assert.rejects(res.text(), isTimeout('total', `${server.url}/trickle`));
});

test('connect: a TLS handshake that never completes', async (t) => {
  const server = await createRawServer(t, () => {}); // accepts, never answers the ClientHello
  const c = client(t, { timeout: { connect: 150 } });
  await assert.rejects(c.get(`https://127.0.0.1:${server.port}/`), isTimeout('connect'));
  // a per-request connect deadline overrides the client's
  await assert.rejects(c.get(`https://127.0.0.1:${server.port}/`, { timeout: { connect: 50 } }), isTimeout('connect'));
  // with the user's own dispatcher the core enforces it (bounding the wait for headers)
  const agent = new Agent(); // closed by the transport's close()
  const own = client(t, { transport: createNodeTransport({ dispatcher: agent }), timeout: { connect: 100 } });
  await assert.rejects(own.get(`https://127.0.0.1:${server.port}/`), isTimeout('connect'));
});

test('an abort rejects with exactly signal.reason: before the headers and while reading the body', async (t) => {
  const server = await createRawServer(t, (socket, head) => {
    if (head.startsWith('GET /body')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart');
  });
  for (const timeout of [undefined, 10_000]) {
    const c = client(t, timeout ? { timeout } : {});
    const ac = new AbortController();
    const reason = { mine: true };
    const pending = c.get(`${server.url}/stall`, { signal: ac.signal });
    setTimeout(() => ac.abort(reason), 30);
    await assert.rejects(pending, (e) => e === reason);

    const ac2 = new AbortController();
    const res = await c.get(`${server.url}/body`, { signal: ac2.signal });
    const reader = res.body!.getReader();
    await reader.read();
    const reason2 = new Error('enough');
    setTimeout(() => ac2.abort(reason2), 30);
    await assert.rejects(reader.read(), (e) => e === reason2);
  }
  assert.ok(await eventually(() => server.open() === 0), 'aborted sockets are closed');
});

test('an already aborted signal rejects before any I/O', async (t) => {
  const server = await createRawServer(t, () => {});
  const c = client(t, { timeout: 1000 });
  const reason = 'already';
  await assert.rejects(c.get(server.url, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(server.accepted(), 0);
});

test('no listener is left on a long-lived signal after many requests (read, unread-then-cancelled, failed)', async (t) => {
  let n = 0;
  const server = await createTestServer(t, (_req, res) => {
    n++;
    if (n % 10 === 0) {
      res.writeHead(200, { 'content-length': '10' }).write('short');
      setImmediate(() => res.socket?.destroy());
    } else res.end('ok');
  });
  const controller = new AbortController();
  for (const timeout of [undefined, 60_000]) {
    const c = client(t, timeout ? { timeout } : {});
    for (let i = 0; i < 300; i++) {
      const res = await c.get(server.url, { signal: controller.signal });
      if (i % 3 === 0) await res.body?.cancel();
      else await res.text().catch(() => {});
    }
  }
  assert.ok(await eventually(() => getEventListeners(controller.signal, 'abort').length === 0));
});

test('a phase timeout is retried for idempotent requests; the total deadline is not', async (t) => {
  let requests = 0;
  const server = await createRawServer(t, () => {
    requests++; // one request per connection: each attempt's request line arrived
  });
  const c = client(t, { retry: { limit: 1, backoff: () => 1 }, timeout: { headers: 50 } });
  await assert.rejects(c.get(`${server.url}/stall`), isTimeout('headers'));
  assert.ok(await eventually(() => requests === 2), `requests: ${requests}`);
  const total = client(t, { retry: { limit: 3, backoff: () => 1 }, timeout: 80 });
  await assert.rejects(total.get(`${server.url}/stall`), isTimeout('total'));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(requests, 3);
});
