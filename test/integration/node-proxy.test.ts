import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { CapabilityError, createClient, ProxyError, TimeoutError } from '../../src/index.node.js';
import { createNodeTransport, type NodeTransportOptions } from '../../src/transports/node/index.js';
import { requirePeer } from '../helpers/peers.js';
import { startMicrosocks, startSquid } from '../helpers/proxies.js';
import { createTestServer, readBody } from '../helpers/server.js';
import { createTestProxy } from '../helpers/test-proxy.js';
import { makeTestPki, type TestPki } from '../helpers/tls-certs.js';

type Seen = { url: string; headers: Record<string, string | string[] | undefined> };

/** An http target recording what it got. */
async function target(t: Parameters<typeof createTestServer>[0]) {
  const seen: Seen[] = [];
  const server = await createTestServer(t, async (req, res) => {
    await readBody(req);
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.end(`plain ${req.url}`);
  });
  return { ...server, seen };
}

/** An https target with the PKI's good certificate. */
async function tlsTarget(t: { after: (fn: () => unknown) => void }, pki: TestPki) {
  const seen: Seen[] = [];
  const server = https.createServer({ cert: readFileSync(pki.good.cert), key: readFileSync(pki.good.key) }, (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.end(`secure ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `https://localhost:${port}`, port, seen };
}

async function via(t: { after: (fn: () => unknown) => void }, options: NodeTransportOptions, url: string): Promise<string> {
  const transport = createNodeTransport(options);
  t.after(() => transport.close());
  const client = createClient({ transport, retry: false });
  const res = await client.get(url);
  return `${res.status} ${await res.text()}`;
}

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('node transport: proxies', () => {
  test('squid: forwards http in absolute form, tunnels https with CONNECT, basic proxy auth', async (t) => {
    const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
    if (!openssl) return;
    const squid = await startSquid(t, { user: 'ferry', password: 's3cret' });
    if (!squid) return;
    const pki = makeTestPki(t, openssl);
    const plain = await target(t);
    const secure = await tlsTarget(t, pki);
    const proxy = `http://ferry:s3cret@127.0.0.1:${squid.port}`;
    const tls = { verify: pki.caPem };

    assert.equal(await via(t, { proxy }, `${plain.url}/fwd`), '200 plain /fwd');
    assert.match(String(plain.seen[0]?.headers.via), /ferry-test/);
    assert.equal(plain.seen[0]?.headers['proxy-authorization'], undefined);

    assert.equal(await via(t, { proxy, tls }, `${secure.url}/tunnel`), '200 secure /tunnel');
    assert.equal(secure.seen[0]?.headers.via, undefined, 'a tunnel: squid never saw the request');
    assert.equal(secure.seen[0]?.headers['proxy-authorization'], undefined);

    assert.equal(await via(t, { proxy, tunnel: true }, `${plain.url}/tunnelled`), '200 plain /tunnelled');
    assert.equal(plain.seen[1]?.headers.via, undefined);

    const wrong = `http://ferry:wrong-password@127.0.0.1:${squid.port}`;
    for (const url of [`${secure.url}/x`, `${plain.url}/x`]) {
      const e = await via(t, { proxy: wrong, tls }, url).catch((err: unknown) => err);
      assert.ok(e instanceof ProxyError, String(e));
      assert.equal(e.status, 407);
      assert.doesNotMatch(`${e.message} ${e.stack}`, /wrong-password|ferry:/);
    }
  });

  test('microsocks: SOCKS5 without and with username/password, http and https targets', async (t) => {
    const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
    if (!openssl) return;
    const open = await startMicrosocks(t);
    const authed = await startMicrosocks(t, { user: 'sockuser', password: 'sockpass' });
    if (!open || !authed) return;
    const pki = makeTestPki(t, openssl);
    const plain = await target(t);
    const secure = await tlsTarget(t, pki);
    const tls = { verify: pki.caPem };
    assert.equal(await via(t, { proxy: `socks5://127.0.0.1:${open.port}` }, `${plain.url}/s`), '200 plain /s');
    assert.equal(await via(t, { proxy: `socks5h://127.0.0.1:${open.port}`, tls }, `${secure.url}/s`), '200 secure /s');
    const ok = `socks5h://sockuser:sockpass@127.0.0.1:${authed.port}`;
    assert.equal(await via(t, { proxy: ok }, `${plain.url}/a`), '200 plain /a');
    assert.equal(await via(t, { proxy: ok, tls }, `${secure.url}/a`), '200 secure /a');
    const e = await via(t, { proxy: `socks5://sockuser:nope@127.0.0.1:${authed.port}` }, `${plain.url}/a`).catch((err: unknown) => err);
    assert.ok(e instanceof ProxyError, String(e));
    assert.doesNotMatch(e.message, /nope/);
  });

  test('socks5 resolves the name here, socks5h sends it to the proxy', async (t) => {
    const plain = await target(t);
    const requested: string[] = [];
    // A recording SOCKS5 server (no auth) in front of the target.
    const socks = net.createServer((client) => {
      client.once('data', () => {
        client.write(Buffer.from([5, 0]));
        client.once('data', (req: Buffer) => {
          const atyp = req[3];
          const addr = atyp === 3 ? req.subarray(5, 5 + (req[4] ?? 0)).toString() : atyp === 1 ? [...req.subarray(4, 8)].join('.') : 'v6';
          requested.push(`${atyp === 3 ? 'name' : atyp === 1 ? 'ipv4' : 'ipv6'} ${addr}`);
          const up = net.connect(plain.port, '127.0.0.1', () => {
            client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
            client.pipe(up).pipe(client);
          });
          up.on('error', () => client.destroy());
        });
      });
      client.on('error', () => {});
    });
    await new Promise<void>((r) => socks.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => socks.close(r)));
    const port = (socks.address() as AddressInfo).port;
    const url = `http://localhost:${plain.port}/r`;
    assert.equal(await via(t, { proxy: `socks5h://127.0.0.1:${port}` }, url), '200 plain /r');
    assert.equal(await via(t, { proxy: `socks5://127.0.0.1:${port}` }, url), '200 plain /r');
    assert.equal(requested[0], 'name localhost');
    // Resolved here: localhost as 127.0.0.1 or ::1, whichever the resolver gives first.
    assert.match(requested[1] ?? '', /^(ipv4 127\.0\.0\.1|ipv6 v6)$/);
  });

  test('proxy credentials reach the proxy only: never the target, never inside the tunnel', async (t) => {
    const plain = await target(t);
    const auth = basic('user', 'pa:ss w@rd');
    const proxy = await createTestProxy(t, { auth });
    const proxyUrl = `http://user:${encodeURIComponent('pa:ss w@rd')}@127.0.0.1:${proxy.port}`;
    assert.equal(await via(t, { proxy: proxyUrl, tunnel: true }, `${plain.url}/t`), '200 plain /t');
    assert.equal(await via(t, { proxy: proxyUrl }, `${plain.url}/f`), '200 plain /f');
    assert.deepEqual(
      proxy.log.map((e) => [e.kind, e.proxyAuthorization === auth]),
      [
        ['connect', true],
        ['forward', true],
      ],
    );
    const inside = Buffer.concat(proxy.tunnelBytes).toString('latin1');
    assert.match(inside, /^GET \/t HTTP\/1\.1\r\n/);
    assert.doesNotMatch(inside, /proxy-authorization|pa:ss|cGE6c3M/i);
    for (const s of plain.seen) assert.equal(s.headers['proxy-authorization'], undefined);
  });

  test('an https:// proxy (TLS to the proxy with its own TLS options)', async (t) => {
    const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
    if (!openssl) return;
    const pki = makeTestPki(t, openssl);
    const proxy = await createTestProxy(t, { tls: { cert: readFileSync(pki.good.cert), key: readFileSync(pki.good.key) } });
    const plain = await target(t);
    const secure = await tlsTarget(t, pki);
    const proxyUrl = `https://localhost:${proxy.port}`;
    const proxyTls = { verify: pki.caPem };
    assert.equal(await via(t, { proxy: proxyUrl, proxyTls }, `${plain.url}/p`), '200 plain /p');
    assert.equal(await via(t, { proxy: proxyUrl, proxyTls, tls: { verify: pki.caPem } }, `${secure.url}/p`), '200 secure /p');
    assert.deepEqual(
      proxy.log.map((e) => e.kind),
      ['forward', 'connect'],
    );
    for (const url of [`${plain.url}/p`, `${secure.url}/p`]) {
      const e = await via(t, { proxy: proxyUrl }, url).catch((err: unknown) => err);
      assert.ok(e instanceof ProxyError, String(e));
      assert.match(e.message, /TLS to the proxy failed https:\/\/localhost:\d+ \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    }
  });

  test('a refused CONNECT is a ProxyError with the status; nothing goes direct', async (t) => {
    const plain = await target(t);
    const proxy = await createTestProxy(t, { refuseConnect: 403 });
    const e = await via(t, { proxy: proxy.url, tunnel: true }, `${plain.url}/x`).catch((err: unknown) => err);
    assert.ok(e instanceof ProxyError, String(e));
    assert.equal(e.status, 403);
    assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/x: proxy refused CONNECT \(403\)/);
    assert.equal(plain.connections(), 0);
  });

  test('proxy chosen per request by a function, and per redirect hop from the environment with NO_PROXY', async (t) => {
    const direct = await target(t);
    const first = await createTestServer(t, (_req, res) => {
      res.writeHead(302, { location: `${direct.url}/landed` });
      res.end();
    });
    const proxy = await createTestProxy(t);
    assert.equal(
      await via(t, { proxy: (url) => (url.port === String(first.port) ? proxy.url : null) }, `${first.url}/start`),
      '200 plain /landed',
    );
    assert.deepEqual(
      proxy.log.map((e) => e.target),
      [`${first.url}/start`],
    );

    const saved = { ...process.env };
    t.after(() => {
      for (const k of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'all_proxy', 'ALL_PROXY']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    });
    process.env.HTTP_PROXY = 'http://127.0.0.1:1';
    process.env.http_proxy = proxy.url; // lower case wins
    process.env.NO_PROXY = `example.invalid, 127.0.0.1:${direct.port}`;
    assert.equal(await via(t, { proxyFromEnv: true }, `${first.url}/again`), '200 plain /landed');
    assert.deepEqual(
      proxy.log.map((e) => e.target),
      [`${first.url}/start`, `${first.url}/again`],
    );
    assert.equal(direct.seen.length, 2);
  });
  test('a proxy that never answers CONNECT or the SOCKS5 greeting is a connect-phase TimeoutError', async (t) => {
    const silent = net.createServer((s) => s.on('error', () => {}));
    const accepted: net.Socket[] = [];
    silent.on('connection', (s) => accepted.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    t.after(() => {
      for (const s of accepted) s.destroy();
      return new Promise((r) => silent.close(r));
    });
    const port = (silent.address() as AddressInfo).port;
    for (const proxy of [`http://127.0.0.1:${port}`, `socks5://127.0.0.1:${port}`]) {
      const transport = createNodeTransport({ proxy, tunnel: true });
      t.after(() => transport.close());
      const client = createClient({ transport, retry: false, timeout: { connect: 300 } });
      const e = await client.get('http://127.0.0.1:9/never').catch((err: unknown) => err);
      assert.ok(e instanceof TimeoutError, String(e));
      assert.equal(e.phase, 'connect');
    }
  });

  test('Expect: 100-continue through a proxy is refused up front, never sent direct', async (t) => {
    const plain = await target(t);
    const proxy = await createTestProxy(t);
    const transport = createNodeTransport({ proxy: proxy.url });
    t.after(() => transport.close());
    const client = createClient({ transport, retry: false, expectContinue: true });
    await assert.rejects(client.post(`${plain.url}/up`, { body: 'data' }), CapabilityError);
    assert.equal(plain.connections(), 0);
  });
});
