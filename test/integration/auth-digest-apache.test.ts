/**
 * Digest auth against Apache httpd's mod_auth_digest (Debian apache2), started with its own
 * config in a temp ServerRoot on a free loopback port: MD5 with qop=auth, the preemptive
 * reuse of the challenge, a stale nonce (AuthDigestNonceLifetime 1) and a wrong password.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { ExchangeContext } from '../../src/core/index.js';
import { digestAuth } from '../../src/core/index.js';
import { createClient, createNodeTransport } from '../../src/transports/node/index.js';
import { requirePeer } from '../helpers/peers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`apache2 exited with ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('apache2 did not start listening in time');
}

const modules = ['mpm_event', 'authn_core', 'authn_file', 'authz_core', 'authz_user', 'auth_digest'];

async function startApache(
  t: TestContext,
  bin: string,
  realm: string,
  users: Record<string, string>,
): Promise<{ url: string; root: string }> {
  const root = mkdtempSync(join(tmpdir(), 'ferry-apache-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'htdocs', 'private'), { recursive: true });
  mkdirSync(join(root, 'run'));
  writeFileSync(join(root, 'htdocs', 'private', 'index.html'), 'secret page\n');
  writeFileSync(join(root, 'htdocs', 'private', 'other.html'), 'other page\n');
  const htdigest = Object.entries(users)
    .map(([u, p]) => `${u}:${realm}:${createHash('md5').update(`${u}:${realm}:${p}`).digest('hex')}`)
    .join('\n');
  writeFileSync(join(root, 'htdigest'), `${htdigest}\n`);
  const port = await freePort();
  const conf = [
    `ServerRoot "${root}"`,
    `Listen 127.0.0.1:${port}`,
    `PidFile "${root}/run/httpd.pid"`,
    `DefaultRuntimeDir "${root}/run"`,
    `Mutex file:${root}/run default`,
    `ErrorLog "${root}/error.log"`,
    'LogLevel warn',
    ...modules.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    ...(process.getuid?.() === 0 ? ['User nobody', 'Group nogroup'] : []),
    'ServerName 127.0.0.1',
    `DocumentRoot "${root}/htdocs"`,
    `<Directory "${root}/htdocs">`,
    '  Require all granted',
    '</Directory>',
    '<Location "/private/">',
    '  AuthType Digest',
    `  AuthName "${realm}"`,
    '  AuthDigestDomain /private/',
    '  AuthDigestProvider file',
    `  AuthUserFile "${root}/htdigest"`,
    '  AuthDigestNonceLifetime 1',
    '  Require valid-user',
    '</Location>',
  ].join('\n');
  writeFileSync(join(root, 'httpd.conf'), `${conf}\n`);
  const child = spawn(bin, ['-X', '-f', join(root, 'httpd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  t.after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  });
  try {
    await waitForPort(port, child, Date.now() + 15_000);
  } catch (e) {
    let log = '';
    try {
      log = readFileSync(join(root, 'error.log'), 'utf8');
    } catch {}
    throw new Error(`${(e as Error).message}\n${stderr}\n${log}`);
  }
  return { url: `http://127.0.0.1:${port}`, root };
}

function recordingClient(t: TestContext) {
  const inner = createNodeTransport();
  const log: { status: number; authorization: string | null; challenge: string | null; info: string | null }[] = [];
  const transport = {
    name: inner.name,
    capabilities: inner.capabilities,
    async send(request: Request, ctx: ExchangeContext) {
      const res = await inner.send(request, ctx);
      log.push({
        status: res.status,
        authorization: request.headers.get('authorization'),
        challenge: res.headers.get('www-authenticate'),
        info: res.headers.get('authentication-info'),
      });
      return res;
    },
    close: async () => inner.close?.(),
  };
  const client = createClient({ transport, cookies: false, retry: false });
  t.after(() => client.close());
  return { client, log };
}

test('apache2 mod_auth_digest: MD5 qop=auth, preemptive reuse, stale nonce, wrong password', async (t) => {
  const bin = requirePeer(t, 'apache2', 'apt-get install apache2');
  if (!bin) return;
  const realm = 'ferry digest realm';
  const { url } = await startApache(t, bin, realm, { mufasa: 'Circle of Life' });
  const { client, log } = recordingClient(t);
  const auth = digestAuth('mufasa', 'Circle of Life');

  const res = await client.get(`${url}/private/index.html`, { auth });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'secret page\n');
  assert.deepEqual(
    log.map((l) => l.status),
    [401, 200],
  );
  assert.match(log[0]?.challenge ?? '', /^Digest /);
  assert.match(log[1]?.authorization ?? '', /algorithm=MD5/);
  assert.match(log[1]?.authorization ?? '', /qop=auth, nc=00000001/);

  // Same protection space (AuthDigestDomain /private/): answered up front. Apache sends a
  // nextnonce in Authentication-Info (short nonce lifetime), so that nonce is used, nc from 1.
  const nextnonce = /nextnonce="([^"]+)"/.exec(log[1]?.info ?? '')?.[1];
  assert.ok(nextnonce, 'apache sent a nextnonce');
  const other = await client.get(`${url}/private/other.html`, { auth });
  assert.equal(other.status, 200);
  assert.equal(await other.text(), 'other page\n');
  assert.equal(log.length, 3);
  assert.ok(log[2]?.authorization?.includes(`nonce="${nextnonce}"`));
  assert.match(log[2]?.authorization ?? '', /nc=00000001/);

  // After the nonce lifetime (1 s) apache answers the old nonce with stale=true: answered again.
  await new Promise((r) => setTimeout(r, 2100));
  const later = await client.get(`${url}/private/index.html`, { auth });
  assert.equal(later.status, 200);
  await later.text();
  assert.deepEqual(
    log.slice(3).map((l) => l.status),
    [401, 200],
  );
  assert.match(log[3]?.challenge ?? '', /stale=true/i);

  // A wrong password: the second 401 comes back after one try.
  const wrong = await client.get(`${url}/private/index.html`, { auth: digestAuth('mufasa', 'nope') });
  assert.equal(wrong.status, 401);
  await wrong.text();
  assert.deepEqual(
    log.slice(5).map((l) => l.status),
    [401, 401],
  );
});
