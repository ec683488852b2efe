import assert from 'node:assert/strict';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { createClient } from '../../src/index.node.js';
import { createNodeTransport } from '../../src/transports/node/index.js';
import { freePort, startNginx } from '../helpers/nginx.js';
import { requirePeer } from '../helpers/peers.js';
import { createTestServer } from '../helpers/server.js';
import { createTestProxy } from '../helpers/test-proxy.js';
import { makeTestPki } from '../helpers/tls-certs.js';

test('HTTP/2 by ALPN, unix sockets and custom connectors against nginx', async (t) => {
  const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
  if (!openssl) return;
  const pki = makeTestPki(t, openssl);
  const plainPort = await freePort();
  const nginx = await startNginx(t, {
    listen: ({ port }) => `127.0.0.1:${port} ssl http2`,
    server: `ssl_certificate ${pki.good.cert}; ssl_certificate_key ${pki.good.key};
      location / { return 200 "$server_protocol $request_uri"; }`,
    http: ({ dir }) => `
      server { listen unix:${dir}/nginx.sock; location / { return 200 "unix $host $request_uri"; } }
      server { listen 127.0.0.1:${plainPort}; location / { return 200 "tcp $request_uri"; } }`,
  });
  if (!nginx) return;
  const sock = join(nginx.dir, 'nginx.sock');
  const h2url = `https://localhost:${nginx.port}`;
  const tls = { verify: pki.caPem };

  await t.test('allowH2 negotiates h2 and multiplexes on one connection; res.httpVersion is "2"', async () => {
    const transport = createNodeTransport({ allowH2: true, tls });
    t.after(() => transport.close());
    const client = createClient({ transport, retry: false });
    const res = await client.get(`${h2url}/one`);
    assert.equal(res.httpVersion, '2');
    assert.equal(await res.text(), 'HTTP/2.0 /one');
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => client.get(`${h2url}/m${i}`).then((r) => r.text())));
    assert.deepEqual(all[7], 'HTTP/2.0 /m7');
    assert.equal(transport.stats()[h2url]?.open, 1);
  });

  await t.test('h2 inside a CONNECT tunnel', async () => {
    const proxy = await createTestProxy(t);
    const transport = createNodeTransport({ allowH2: true, tls, proxy: proxy.url });
    t.after(() => transport.close());
    const res = await createClient({ transport, retry: false }).get(`${h2url}/tunnelled`);
    assert.equal(res.httpVersion, '2');
    assert.equal(await res.text(), 'HTTP/2.0 /tunnelled');
    assert.deepEqual(
      proxy.log.map((e) => `${e.kind} ${e.target}`),
      [`connect localhost:${nginx.port}`],
    );
  });

  await t.test('HTTP/1.1 stays the default', async () => {
    const transport = createNodeTransport({ tls });
    t.after(() => transport.close());
    const res = await createClient({ transport }).get(`${h2url}/h1`);
    assert.equal(res.httpVersion, '1.1');
    assert.equal(await res.text(), 'HTTP/1.1 /h1');
  });

  await t.test('socketPath for the whole client', async () => {
    const transport = createNodeTransport({ socketPath: sock });
    t.after(() => transport.close());
    const res = await createClient({ transport }).get('http://localhost/via-unix?q=1');
    assert.equal(await res.text(), 'unix localhost /via-unix?q=1');
  });

  await t.test('createClient({ node: { … } }) builds the Node transport from those options', async () => {
    const client = createClient({ node: { socketPath: sock } });
    t.after(() => client.close());
    assert.equal(await (await client.get('http://localhost/node-option')).text(), 'unix localhost /node-option');
  });

  await t.test('socketPath per origin: one origin on the socket, others over TCP', async () => {
    const transport = createNodeTransport({ socketPath: { 'http://api.unix.test': sock } });
    t.after(() => transport.close());
    const client = createClient({ transport });
    assert.equal(await (await client.get('http://api.unix.test/a')).text(), 'unix api.unix.test /a');
    assert.equal(await (await client.get(`http://127.0.0.1:${plainPort}/b`)).text(), 'tcp /b');
  });

  await t.test('connect: a custom connector (here: to the unix socket, whatever the URL says)', async () => {
    const used: string[] = [];
    const transport = createNodeTransport({
      connect: (opts, callback) => {
        used.push(`${opts.protocol}//${opts.hostname}:${opts.port}`);
        const s = net.connect(sock);
        s.once('connect', () => callback(null, s));
        s.once('error', (e) => callback(e, null));
      },
    });
    t.after(() => transport.close());
    const res = await createClient({ transport }).get('http://custom.test:8080/c');
    assert.equal(await res.text(), 'unix custom.test /c');
    assert.deepEqual(used, ['http://custom.test:8080']);
  });
});

test('capabilities say what the Node transport does', async (t) => {
  const transport = createNodeTransport();
  t.after(() => transport.close());
  const { proxy, tls, unixSocket, http2 } = transport.capabilities;
  assert.deepEqual({ proxy, tls, unixSocket, http2 }, { proxy: true, tls: true, unixSocket: true, http2: true });
  const server = await createTestServer(t, (_req, res) => res.end('ok'));
  assert.equal(await (await createClient({ transport }).get(server.url)).text(), 'ok');
});
