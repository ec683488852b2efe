/**
 * The Bun transport against real peers: an HTTP proxy with credentials (squid), a custom CA,
 * verify: false, a client certificate (openssl-made PKI), a unix socket; SOCKS refused.
 * Each request runs in Bun through dist/transports/bun/index.js.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, ensureDist } from '../conformance/build.js';
import { runScenarios, type Scenario, startPlainServer, startTlsServer } from '../conformance/features.js';
import { requireRuntime } from '../conformance/host.js';
import { requirePeer } from '../helpers/peers.js';
import { startSquid } from '../helpers/proxies.js';
import { makeTestPki } from '../helpers/tls-certs.js';

test('bun transport: proxy, TLS and unix sockets against real peers', { timeout: 240_000 }, async (t) => {
  const bun = requireRuntime(t, 'bun');
  if (!bun) return;
  const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
  if (!openssl) return;
  const creds = { user: 'ferry', password: 'p@ss word' };
  const squid = await startSquid(t, creds);
  if (!squid) return;
  await ensureDist();
  const pki = makeTestPki(t, openssl);
  const pem = (p: string): string => readFileSync(p, 'utf8');
  const sockDir = mkdtempSync(join(tmpdir(), 'ferry-bun-unix-'));
  t.after(() => rmSync(sockDir, { recursive: true, force: true }));
  const plain = await startPlainServer();
  const unix = await startPlainServer(join(sockDir, 'http.sock'));
  const tls = await startTlsServer(pem(pki.good.cert), pem(pki.good.key));
  const self = await startTlsServer(pem(pki.selfSigned.cert), pem(pki.selfSigned.key));
  const mtls = await startTlsServer(pem(pki.good.cert), pem(pki.good.key), pem(pki.clientCaFile));
  t.after(() => Promise.all([plain.close(), unix.close(), tls.close(), self.close(), mtls.close()]));
  const user = `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}`;
  const client = { cert: pem(pki.client.cert), key: pem(pki.client.key) };

  const scenarios: Scenario[] = [
    { label: 'http proxy', transport: { proxy: `http://${user}@127.0.0.1:${squid.port}` }, url: `${plain.url}/p` },
    { label: 'http proxy, wrong password', transport: { proxy: `http://ferry:wrong@127.0.0.1:${squid.port}` }, url: `${plain.url}/p` },
    { label: 'socks proxy', transport: { proxy: 'socks5://127.0.0.1:9' }, url: `${plain.url}/s` },
    { label: 'unix socket', transport: { socketPath: join(sockDir, 'http.sock') }, url: unix.url },
    { label: 'unknown CA', transport: {}, url: tls.url },
    { label: 'CA', transport: { tls: { ca: pki.caPem } }, url: tls.url },
    { label: 'self-signed, verify: false', transport: { tls: { verify: false } }, url: self.url },
    { label: 'client certificate', transport: { tls: { ca: pki.caPem, ...client } }, url: mtls.url },
    { label: 'client certificate missing', transport: { tls: { ca: pki.caPem } }, url: mtls.url },
  ];
  const results = await runScenarios(
    bun,
    ['run'],
    pathToFileURL(join(dist, 'transports/bun/index.js')).href,
    'createBunTransport',
    scenarios,
  );
  const get = (label: string) => {
    const r = results.get(label);
    assert.ok(r, `no result for ${label}`);
    return r;
  };
  assert.match(get('http proxy').body ?? JSON.stringify(get('http proxy')), /^via .*squid/);
  const refused = get('http proxy, wrong password');
  assert.ok(refused.status === 407 || refused.error, JSON.stringify(refused));
  assert.equal(get('socks proxy').error?.code, 'ERR_CAPABILITY', JSON.stringify(get('socks proxy')));
  assert.equal(get('socks proxy').error?.capability, 'proxy.socks');
  assert.equal(get('unix socket').body, 'via direct', JSON.stringify(get('unix socket')));
  assert.equal(get('unknown CA').error?.code, 'ERR_TLS', JSON.stringify(get('unknown CA')));
  assert.equal(get('CA').body, 'tls anonymous', JSON.stringify(get('CA')));
  assert.equal(get('self-signed, verify: false').body, 'tls anonymous', JSON.stringify(get('self-signed, verify: false')));
  assert.equal(get('client certificate').body, 'tls ferry client', JSON.stringify(get('client certificate')));
  assert.ok(get('client certificate missing').error, JSON.stringify(get('client certificate missing')));
});
