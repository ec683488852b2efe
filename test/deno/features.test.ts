/**
 * The Deno transport against real peers: an HTTP proxy with credentials (squid), SOCKS5 with
 * credentials (microsocks), extra CAs and a client certificate (openssl-made PKI), a unix
 * socket. Each request runs in Deno through dist/transports/deno/index.js.
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
import { startMicrosocks, startSquid } from '../helpers/proxies.js';
import { makeTestPki } from '../helpers/tls-certs.js';

test('deno transport: proxies, TLS and unix sockets against real peers', { timeout: 240_000 }, async (t) => {
  const deno = requireRuntime(t, 'deno');
  if (!deno) return;
  const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
  if (!openssl) return;
  const creds = { user: 'ferry', password: 'p@ss word' };
  const squid = await startSquid(t, creds);
  const socks = await startMicrosocks(t, creds);
  if (!squid || !socks) return;
  await ensureDist();
  const pki = makeTestPki(t, openssl);
  const pem = (p: string): string => readFileSync(p, 'utf8');
  const sockDir = mkdtempSync(join(tmpdir(), 'ferry-deno-unix-'));
  t.after(() => rmSync(sockDir, { recursive: true, force: true }));
  const plain = await startPlainServer();
  const unix = await startPlainServer(join(sockDir, 'http.sock'));
  const tls = await startTlsServer(pem(pki.good.cert), pem(pki.good.key));
  const mtls = await startTlsServer(pem(pki.good.cert), pem(pki.good.key), pem(pki.clientCaFile));
  t.after(() => Promise.all([plain.close(), unix.close(), tls.close(), mtls.close()]));
  const user = `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}`;

  const scenarios: Scenario[] = [
    { label: 'http proxy', transport: { proxy: `http://${user}@127.0.0.1:${squid.port}` }, url: `${plain.url}/p` },
    { label: 'http proxy, wrong password', transport: { proxy: `http://ferry:wrong@127.0.0.1:${squid.port}` }, url: `${plain.url}/p` },
    { label: 'socks5h proxy', transport: { proxy: `socks5h://${user}@127.0.0.1:${socks.port}` }, url: `${plain.url}/s` },
    { label: 'socks5 proxy, wrong password', transport: { proxy: `socks5://ferry:wrong@127.0.0.1:${socks.port}` }, url: `${plain.url}/s` },
    { label: 'unix socket', transport: { socketPath: join(sockDir, 'http.sock') }, url: `${unix.url}` },
    { label: 'unknown CA', transport: {}, url: tls.url },
    { label: 'CA as PEM text', transport: { tls: { ca: pki.caPem } }, url: tls.url },
    { label: 'CA as a file path', transport: { tls: { ca: pki.caFile } }, url: tls.url },
    { label: 'client certificate', transport: { tls: { ca: pki.caPem, cert: pki.client.cert, key: pki.client.key } }, url: mtls.url },
    { label: 'client certificate missing', transport: { tls: { ca: pki.caPem } }, url: mtls.url },
  ];
  const results = await runScenarios(
    deno,
    // A unix socket needs net access to 'unix:<path>' as well; every URL used is loopback.
    ['run', '--allow-net', '--allow-read', `--allow-write=${sockDir}`, '--allow-env', '--no-prompt'],
    pathToFileURL(join(dist, 'transports/deno/index.js')).href,
    'createDenoTransport',
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
  assert.equal(get('socks5h proxy').body, 'via direct', JSON.stringify(get('socks5h proxy')));
  assert.ok(get('socks5 proxy, wrong password').error, 'a refused SOCKS login is an error');
  assert.equal(get('unix socket').body, 'via direct', JSON.stringify(get('unix socket')));
  assert.equal(get('unknown CA').error?.code, 'ERR_TLS', JSON.stringify(get('unknown CA')));
  assert.equal(get('CA as PEM text').body, 'tls anonymous', JSON.stringify(get('CA as PEM text')));
  assert.equal(get('CA as a file path').body, 'tls anonymous', JSON.stringify(get('CA as a file path')));
  assert.equal(get('client certificate').body, 'tls ferry client', JSON.stringify(get('client certificate')));
  assert.ok(get('client certificate missing').error, JSON.stringify(get('client certificate missing')));
});
