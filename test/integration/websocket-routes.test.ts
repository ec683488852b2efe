import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { createClient, ProxyError, TLSError } from '../../src/index.node.js';
import { requirePeer } from '../helpers/peers.js';
import { startMicrosocks, startSquid } from '../helpers/proxies.js';
import { makeTestPki } from '../helpers/tls-certs.js';

/** A ws echo server on `server` that records each upgrade request. */
function echo(t: TestContext, server: http.Server | https.Server): IncomingMessage[] {
  const upgrades: IncomingMessage[] = [];
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    upgrades.push(req);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => server.close(() => resolve()));
        server.closeAllConnections?.();
      }),
  );
  return upgrades;
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function roundTrip(client: ReturnType<typeof createClient>, url: string): Promise<string> {
  const ws = await client.websocket(url);
  ws.send('through');
  for await (const msg of ws) {
    ws.close();
    return String(msg);
  }
  throw new Error('closed without an echo');
}

describe('WebSocket honours the Node transport settings', () => {
  test('through squid with CONNECT, proxy credentials only to the proxy', async (t) => {
    const squid = await startSquid(t, { user: 'proxyuser', password: 'proxypass' });
    if (!squid) return;
    const server = http.createServer();
    const upgrades = echo(t, server);
    const port = await listen(server);
    const client = createClient({ node: { proxy: `http://proxyuser:proxypass@127.0.0.1:${squid.port}` } });
    t.after(() => client.close());
    assert.equal(await roundTrip(client, `ws://127.0.0.1:${port}/via-squid`), 'through');
    assert.equal(upgrades.length, 1);
    assert.equal(upgrades[0]?.headers['proxy-authorization'], undefined);

    const wrong = createClient({ node: { proxy: `http://proxyuser:nope@127.0.0.1:${squid.port}` } });
    t.after(() => wrong.close());
    await assert.rejects(wrong.websocket(`ws://127.0.0.1:${port}/x`), (e: unknown) => {
      assert.ok(e instanceof ProxyError);
      assert.equal(e.status, 407);
      assert.doesNotMatch(e.message, /nope/);
      return true;
    });
  });

  test('through microsocks (SOCKS5 with username/password)', async (t) => {
    const socks = await startMicrosocks(t, { user: 'sockuser', password: 'sockpass' });
    if (!socks) return;
    const server = http.createServer();
    echo(t, server);
    const port = await listen(server);
    const client = createClient({ node: { proxy: `socks5://sockuser:sockpass@127.0.0.1:${socks.port}` } });
    t.after(() => client.close());
    assert.equal(await roundTrip(client, `ws://127.0.0.1:${port}/via-socks`), 'through');
  });

  test('wss: verified against the CA the TLS policy names, refused without it', async (t) => {
    const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
    if (!openssl) return;
    const pki = makeTestPki(t, openssl);
    const server = https.createServer({ cert: readFileSync(pki.good.cert), key: readFileSync(pki.good.key) });
    echo(t, server);
    const port = await listen(server);
    const trusting = createClient({ node: { tls: (host: string) => (host === '127.0.0.1' ? { verify: pki.caPem } : {}) } });
    t.after(() => trusting.close());
    assert.equal(await roundTrip(trusting, `wss://127.0.0.1:${port}/tls`), 'through');

    const strict = createClient();
    t.after(() => strict.close());
    await assert.rejects(strict.websocket(`wss://127.0.0.1:${port}/tls`), (e: unknown) => e instanceof TLSError);
  });

  test('over a unix socket', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-ws-unix-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const socketPath = join(dir, 'ws.sock');
    const server = http.createServer();
    const upgrades = echo(t, server);
    await new Promise<void>((r) => server.listen(socketPath, r));
    const client = createClient({ node: { socketPath } });
    t.after(() => client.close());
    assert.equal(await roundTrip(client, 'ws://unix.local/over-unix'), 'through');
    assert.equal(upgrades[0]?.url, '/over-unix');
    assert.equal(upgrades[0]?.headers.host, 'unix.local');
  });
});
