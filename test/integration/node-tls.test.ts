import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createClient, TLSError } from '../../src/index.node.js';
import { createNodeTransport, type NodeTransportOptions } from '../../src/transports/node/index.js';
import { freePort, startNginx } from '../helpers/nginx.js';
import { requirePeer } from '../helpers/peers.js';
import { makeTestPki } from '../helpers/tls-certs.js';

test('TLS policy against nginx with a CA made at test time', async (t) => {
  const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
  if (!openssl) return;
  const pki = makeTestPki(t, openssl);
  const ports = {
    wrong: await freePort(),
    self: await freePort(),
    expired: await freePort(),
    mtls: await freePort(),
    tls12: await freePort(),
  };
  const block = (port: number, cert: { cert: string; key: string }, extra = ''): string =>
    `server { listen 127.0.0.1:${port} ssl; ssl_certificate ${cert.cert}; ssl_certificate_key ${cert.key}; ${extra}
      location / { return 200 "$ssl_protocol $ssl_client_s_dn"; } }`;
  const nginx = await startNginx(t, {
    listen: ({ port }) => `127.0.0.1:${port} ssl`,
    server: `ssl_certificate ${pki.good.cert}; ssl_certificate_key ${pki.good.key}; location / { return 200 "$ssl_protocol"; }`,
    http: [
      block(ports.wrong, pki.wrongHost),
      block(ports.self, pki.selfSigned),
      block(ports.expired, pki.expired),
      block(ports.mtls, pki.good, `ssl_client_certificate ${pki.clientCaFile}; ssl_verify_client on;`),
      block(ports.tls12, pki.good, 'ssl_protocols TLSv1.2;'),
    ].join('\n'),
  });
  if (!nginx) return;
  const at = (port: number) => `https://localhost:${port}/`;
  const get = async (options: NodeTransportOptions, url: string): Promise<{ status: number; text: string }> => {
    const transport = createNodeTransport(options);
    const client = createClient({ transport, retry: false });
    try {
      const res = await client.get(url);
      return { status: res.status, text: await res.text() };
    } finally {
      await transport.close();
    }
  };
  const tlsFailure = async (options: NodeTransportOptions, url: string, reason: RegExp): Promise<void> => {
    const e = await get(options, url).then(
      () => assert.fail('expected a TLSError'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof TLSError, String(e));
    assert.match(e.message, reason);
    assert.match(e.message, new RegExp(`^GET ${url.replace(/[.?]/g, '\\$&')}: TLS`));
  };
  const good = at(nginx.port);

  await t.test('verification is on by default: a private CA is unknown', () => tlsFailure({}, good, /unknown certificate authority/));

  await t.test('verify: a PEM string, a CA file, a CA directory, ca bytes', async () => {
    const caDir = join(pki.dir, 'cadir');
    mkdirSync(caDir);
    copyFileSync(pki.caFile, join(caDir, 'ca.pem'));
    for (const tls of [{ verify: pki.caPem }, { verify: pki.caFile }, { verify: caDir }, { ca: readFileSync(pki.caFile) }]) {
      const r = await get({ tls }, good);
      assert.equal(r.status, 200);
      assert.match(r.text, /^TLSv1\.[23]/);
    }
  });

  await t.test('verify: false accepts a self-signed certificate', async () => {
    assert.equal((await get({ tls: { verify: false } }, at(ports.self))).status, 200);
  });

  await t.test('failures name the reason: hostname mismatch, self-signed, expired', async () => {
    const tls = { verify: pki.caPem };
    await tlsFailure({ tls }, at(ports.wrong), /hostname does not match/);
    await tlsFailure({ tls }, at(ports.self), /self-signed/);
    await tlsFailure({ tls }, at(ports.expired), /expired/);
  });

  await t.test('servername: checks the certificate against another name', async () => {
    const url = `https://127.0.0.1:${ports.wrong}/`;
    assert.equal((await get({ tls: { verify: pki.caPem, servername: 'other.invalid' } }, url)).status, 200);
  });

  await t.test('checkServerIdentity replaces the host name check', async () => {
    const url = at(ports.wrong);
    const accept = { verify: pki.caPem, checkServerIdentity: () => undefined };
    assert.equal((await get({ tls: accept }, url)).status, 200);
    const refuse = { verify: pki.caPem, checkServerIdentity: () => new Error('pinned key mismatch') };
    const e = await get({ tls: refuse }, good).catch((err: unknown) => err);
    assert.ok(e instanceof TLSError, String(e));
    assert.match(e.message, /pinned key mismatch/);
  });

  await t.test('mTLS: nginx refuses without a client certificate, accepts with one', async () => {
    const url = at(ports.mtls);
    assert.equal((await get({ tls: { verify: pki.caPem } }, url)).status, 400);
    const r = await get({ tls: { verify: pki.caPem, cert: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) } }, url);
    assert.equal(r.status, 200);
    assert.match(r.text, /CN=ferry client/);
  });

  await t.test('TLS 1.2 only: negotiated by default, refused with minVersion TLSv1.3', async () => {
    const url = at(ports.tls12);
    assert.equal((await get({ tls: { verify: pki.caPem } }, url)).text.trim(), 'TLSv1.2');
    const e = await get({ tls: { verify: pki.caPem, minVersion: 'TLSv1.3' } }, url).catch((err: unknown) => err);
    assert.ok(e instanceof TLSError, String(e));
    assert.equal((await get({ tls: { verify: pki.caPem, maxVersion: 'TLSv1.2' } }, good)).text.trim(), 'TLSv1.2');
  });

  await t.test('a per-host policy (creatorForNetloc): a client certificate for one port only; pools keyed by TLS settings', async () => {
    const cert = readFileSync(pki.client.cert, 'utf8');
    const key = readFileSync(pki.client.key, 'utf8');
    let trustPrivateCa = true;
    const seen: string[] = [];
    const transport = createNodeTransport({
      tls: (host, port) => {
        seen.push(`${host}:${port}`);
        if (!trustPrivateCa) return {};
        return port === ports.mtls ? { verify: pki.caPem, cert, key } : { verify: pki.caPem };
      },
    });
    t.after(() => transport.close());
    const client = createClient({ transport, retry: false });
    assert.equal((await client.get(at(ports.mtls))).status, 200);
    assert.equal((await client.get(good)).status, 200);
    assert.deepEqual(seen, [`localhost:${ports.mtls}`, `localhost:${nginx.port}`]);
    // The same origin under other settings never reuses a connection made under the first.
    trustPrivateCa = false;
    await assert.rejects(client.get(good), TLSError);
    trustPrivateCa = true;
    assert.equal((await client.get(good)).status, 200);
  });
});
