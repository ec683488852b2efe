import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { createClient, TransportError } from '../../src/index.node.js';
import { createNodeTransport } from '../../src/transports/node/index.js';
import { createTestServer, readBody } from '../helpers/server.js';

/** A server that answers the first request on each socket and destroys the socket on the second. */
async function closingServer(t: Parameters<typeof createTestServer>[0]) {
  const perSocket = new WeakMap<Socket, number>();
  const seen: string[] = [];
  const server = await createTestServer(t, async (req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    const body = (await readBody(req)).toString();
    seen.push(`${req.method} ${n}${body ? ` ${body}` : ''}`);
    // The keep-alive socket dies right as the next request arrives on it.
    if (n > 1) return void req.socket.destroy();
    res.end(`ok ${req.method}`);
  });
  return { server, seen };
}

/** undici frees a socket just after the body's end is delivered. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('node transport: pools', () => {
  test('a request on a reused socket the server closed is retried once on a fresh one', async (t) => {
    const { server, seen } = await closingServer(t);
    const transport = createNodeTransport();
    t.after(() => transport.close());
    const client = createClient({ transport, baseURL: server.url, retry: false });
    assert.equal(await (await client.get('/a')).text(), 'ok GET');
    await tick();
    assert.equal(await (await client.get('/b')).text(), 'ok GET');
    await tick();
    // The resend's connection was its own and is gone: warm the pool again for the PUT.
    await (await client.get('/warm')).text();
    await tick();
    assert.equal(await (await client.put('/c', { body: 'replayable' })).text(), 'ok PUT');
    assert.deepEqual(seen, ['GET 1', 'GET 2', 'GET 1', 'GET 1', 'PUT 2 replayable', 'PUT 1 replayable']);
    assert.equal(server.connections(), 4);
  });

  test('the resend goes on a new connection, not on another stale pooled one', async (t) => {
    const { server, seen } = await closingServer(t);
    const transport = createNodeTransport();
    t.after(() => transport.close());
    const client = createClient({ transport, baseURL: server.url, retry: false });
    // Two idle sockets in the pool, both of which the server will drop on their next request.
    await Promise.all([client.get('/w1'), client.get('/w2')].map(async (p) => (await p).text()));
    await tick();
    assert.equal(transport.stats()[server.url]?.idle, 2);
    assert.equal(await (await client.get('/x')).text(), 'ok GET');
    assert.deepEqual(seen, ['GET 1', 'GET 1', 'GET 2', 'GET 1']);
  });

  test('never a POST, never a one-shot stream body, never with retryOnStaleConnection: false', async (t) => {
    const { server, seen } = await closingServer(t);
    const transport = createNodeTransport();
    t.after(() => transport.close());
    const client = createClient({ transport, baseURL: server.url, retry: false });
    await (await client.get('/warm')).text();
    await tick();
    await assert.rejects(client.post('/p', { body: 'once' }), TransportError);
    await (await client.get('/warm')).text();
    await tick();
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('stream'));
        c.close();
      },
    });
    await assert.rejects(client.put('/s', { body: stream }), TransportError);
    assert.deepEqual(seen, ['GET 1', 'POST 2 once', 'GET 1', 'PUT 2 stream']);

    const off = createNodeTransport({ retryOnStaleConnection: false });
    t.after(() => off.close());
    const plain = createClient({ transport: off, baseURL: server.url, retry: false });
    await (await plain.get('/warm')).text();
    await tick();
    await assert.rejects(plain.get('/g'), TransportError);
  });

  test('never more than `connections` sockets per origin under 100 concurrent requests', async (t) => {
    let open = 0;
    let peak = 0;
    // Responses wait until released, so the pool's state can be read at a known point.
    const held: ServerResponse[] = [];
    let release = false;
    const server = await createTestServer(t, (_req, res) => {
      if (release) res.end('x');
      else held.push(res);
    });
    server.server.on('connection', (s: Socket) => {
      open++;
      peak = Math.max(peak, open);
      s.on('close', () => open--);
    });
    const transport = createNodeTransport({ connections: 4 });
    t.after(() => transport.close());
    const client = createClient({ transport, baseURL: server.url, retry: false });
    const all = Array.from({ length: 100 }, (_, i) => client.get(`/n${i}`).then((r) => r.text()));
    const deadline = Date.now() + 10_000;
    while ((held.length < 4 || (transport.stats()[server.url]?.queued ?? 0) < 96) && Date.now() < deadline) await tick();
    assert.deepEqual(transport.stats()[server.url], { open: 4, busy: 4, idle: 0, queued: 96 });
    release = true;
    for (const res of held) res.end('x');
    const bodies = await Promise.all(all);
    assert.equal(bodies.length, 100);
    assert.ok(peak <= 4, `peak ${peak} sockets`);
    assert.equal(server.connections(), 4);
    await tick();
    const after = transport.stats()[server.url];
    assert.deepEqual(after, { open: 4, busy: 0, idle: 4, queued: 0 });
  });

  test('close() closes every cached connection; the transport stays usable', async (t) => {
    const server = await createTestServer(t, (_req, res) => res.end('x'));
    const sockets: Socket[] = [];
    server.server.on('connection', (s: Socket) => sockets.push(s));
    const transport = createNodeTransport({ keepAliveTimeout: 30_000 });
    t.after(() => transport.close());
    const client = createClient({ transport, baseURL: server.url, retry: false });
    await (await client.get('/')).text();
    await tick();
    assert.equal(transport.stats()[server.url]?.idle, 1);
    const closed = new Promise<void>((resolve) => {
      for (const s of sockets) s.once('close', () => resolve());
    });
    await transport.close();
    await closed;
    assert.deepEqual(transport.stats(), {});
    await (await client.get('/')).text();
    assert.equal(server.connections(), 2);
  });

  test('keepAliveTimeout: an idle pooled socket is closed after it', async (t) => {
    const server = await createTestServer(t, (_req, res) => res.end('x'));
    const transport = createNodeTransport({ keepAliveTimeout: 100 });
    t.after(() => transport.close());
    const client = createClient({ transport, baseURL: server.url, retry: false });
    await (await client.get('/')).text();
    const deadline = Date.now() + 5000;
    while ((transport.stats()[server.url]?.open ?? 0) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.equal(transport.stats()[server.url]?.open ?? 0, 0);
  });
});
