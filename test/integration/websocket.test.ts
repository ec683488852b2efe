import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { basicAuth, createClient, FerryWebSocket, WebSocketError } from '../../src/index.node.js';
import { createTestServer, type TestServer } from '../helpers/server.js';

interface WsServer extends TestServer {
  readonly wss: WebSocketServer;
  readonly upgrades: IncomingMessage[];
  readonly open: () => number;
}

async function createWsServer(
  t: Parameters<typeof createTestServer>[0],
  options: { reject?: number; setCookie?: string } = {},
): Promise<WsServer> {
  const http = await createTestServer(t, (req, res) => {
    if (req.url === '/login') res.setHeader('set-cookie', 'session=abc; Path=/');
    res.end('http');
  });
  const upgrades: IncomingMessage[] = [];
  let open = 0;
  const wss = new WebSocketServer({
    server: http.server,
    verifyClient: (info, cb) => {
      upgrades.push(info.req);
      if (options.reject) cb(false, options.reject, 'Nope', { 'www-authenticate': 'Basic realm="ws"', 'x-reason': 'test' });
      else cb(true);
    },
  });
  if (options.setCookie) wss.on('headers', (headers) => headers.push(`Set-Cookie: ${options.setCookie}`));
  wss.on('connection', (socket, req) => {
    open++;
    socket.on('close', () => open--);
    if (req.url === '/three') {
      for (const m of ['one', 'two', 'three']) socket.send(m);
      socket.close(1000, 'done');
      return;
    }
    if (req.url === '/big') {
      socket.send('x'.repeat(4096));
      return;
    }
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  t?.after(() => new Promise<void>((r) => wss.close(() => r())));
  return Object.assign(http, { wss, upgrades, open: () => open });
}

const wsUrl = (server: TestServer, path: string): string => server.url.replace('http:', 'ws:') + path;

describe('WebSocket on Node (ws)', () => {
  test('echo: text and binary, standard shape, async iteration', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    const ws = await client.websocket(wsUrl(server, '/echo'), { protocols: [] });
    assert.ok(ws instanceof FerryWebSocket);
    assert.equal(ws.readyState, FerryWebSocket.OPEN);
    assert.equal(ws.response?.status, 101);
    ws.send('hello');
    ws.send(new Uint8Array([1, 2, 3]));
    const got: unknown[] = [];
    for await (const msg of ws) {
      got.push(msg);
      if (got.length === 2) break; // return() closes the socket
    }
    assert.equal(got[0], 'hello');
    assert.ok(got[1] instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(got[1] as ArrayBuffer)], [1, 2, 3]);
  });

  test('http: URLs map to ws:, events and on* attributes fire', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    const ws = await client.websocket(`${server.url}/echo`);
    const seen: string[] = [];
    ws.onmessage = (ev) => seen.push(`attr:${ev.data}`);
    ws.addEventListener('message', (ev) => seen.push(`listener:${(ev as MessageEvent).data}`));
    const closed = new Promise<CloseEvent>((r) => ws.addEventListener('close', (ev) => r(ev as CloseEvent)));
    ws.send('ping');
    await new Promise((r) => ws.addEventListener('message', r, { once: true }));
    ws.close(1000, 'bye');
    const ev = await closed;
    assert.equal(ev.code, 1000);
    assert.deepEqual(seen, ['attr:ping', 'listener:ping']);
    assert.equal(ws.readyState, FerryWebSocket.CLOSED);
  });

  test('a Pulsar-style handler object receives open, messages and close', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    const calls: string[] = [];
    let closedResolve: () => void = () => {};
    const closed = new Promise<void>((r) => (closedResolve = r));
    await client.websocket(wsUrl(server, '/three'), {
      handler: {
        onOpen: () => calls.push('open'),
        onMessage: (data) => calls.push(String(data)),
        onClose: (code, reason) => {
          calls.push(`close ${code} ${reason}`);
          closedResolve();
        },
      },
    });
    await closed;
    assert.deepEqual(calls, ['open', 'one', 'two', 'three', 'close 1000 done']);
  });

  test('async iteration ends when the server closes', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    const ws = await client.websocket(wsUrl(server, '/three'));
    const got: unknown[] = [];
    for await (const m of ws) got.push(m);
    assert.deepEqual(got, ['one', 'two', 'three']);
  });

  test('the upgrade carries the session: default headers, jar cookies, auth; Set-Cookie on the 101 is stored', async (t) => {
    const server = await createWsServer(t, { setCookie: 'ws_seen=1; Path=/' });
    const client = createClient({ headers: { 'x-client': 'ferry' }, auth: basicAuth('user', 'pässword') });
    t.after(() => client.close());
    await (await client.get(`${server.url}/login`)).text();
    const ws = await client.websocket(wsUrl(server, '/echo'), { headers: { 'x-extra': '1' } });
    ws.close();
    const upgrade = server.upgrades.at(-1) as IncomingMessage;
    assert.equal(upgrade.headers['x-client'], 'ferry');
    assert.equal(upgrade.headers['x-extra'], '1');
    assert.equal(upgrade.headers.authorization, `Basic ${Buffer.from('user:pässword').toString('base64')}`);
    assert.match(String(upgrade.headers.cookie), /session=abc/);
    const cookies = await client.cookies?.getCookieString(`${server.url}/`);
    assert.match(String(cookies), /ws_seen=1/);
  });

  test('a non-101 answer rejects with the status and headers', async (t) => {
    const server = await createWsServer(t, { reject: 401 });
    const client = createClient();
    t.after(() => client.close());
    await assert.rejects(client.websocket(wsUrl(server, '/echo')), (e: unknown) => {
      assert.ok(e instanceof WebSocketError);
      assert.equal(e.code, 'ERR_WEBSOCKET');
      assert.equal(e.status, 401);
      assert.equal(e.headers?.get('x-reason'), 'test');
      assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/echo: WebSocket upgrade refused: HTTP 401$/);
      return true;
    });
  });

  test('maxPayload is enforced (1009) and close codes are validated', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    const ws = await client.websocket(wsUrl(server, '/big'), { maxPayload: 1024 });
    const code = await new Promise<number>((r) => ws.addEventListener('close', (ev) => r((ev as CloseEvent).code)));
    assert.equal(code, 1006); // ws fails the connection locally; the peer is sent 1009
    const ok = await client.websocket(wsUrl(server, '/echo'));
    assert.throws(() => ok.close(1005), { name: 'InvalidAccessError' });
    assert.throws(() => ok.close(1000, 'x'.repeat(124)), { name: 'SyntaxError' });
    assert.throws(() => ok.close(2999), { name: 'InvalidAccessError' });
    ok.close(4000, 'fine');
    await assert.rejects(client.websocket('ftp://127.0.0.1/x'), { code: 'ERR_INVALID_OPTION' });
  });

  test('an aborted handshake rejects with the signal reason', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    const ac = new AbortController();
    const pending = client.websocket(wsUrl(server, '/echo'), { signal: ac.signal });
    const reason = new Error('changed my mind');
    ac.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
  });

  test('1,000 open/close cycles leave no sockets behind', async (t) => {
    const server = await createWsServer(t);
    const client = createClient();
    t.after(() => client.close());
    for (let i = 0; i < 1000; i++) {
      const ws = await client.websocket(wsUrl(server, '/echo'));
      const closed = new Promise((r) => ws.addEventListener('close', r));
      ws.close();
      await closed;
    }
    for (let i = 0; i < 100 && server.open() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.open(), 0);
    assert.equal(server.upgrades.length, 1000);
    let sockets = 0;
    await new Promise<void>((r) =>
      server.server.getConnections((_e, n) => {
        sockets = n;
        r();
      }),
    );
    assert.equal(sockets, 0);
  });
});
