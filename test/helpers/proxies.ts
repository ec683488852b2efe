/**
 * Debian proxies for tests: squid (HTTP forward + CONNECT, basic proxy auth) and microsocks
 * (SOCKS5, optional username/password), each on a free loopback port with its own temp
 * config, stopped by `t.after()`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from './nginx.js';
import { listening, stopper } from './peer-process.js';
import { requirePeer } from './peers.js';

export interface ProxyPeer {
  readonly port: number;
  readonly dir: string;
}

async function launch(t: TestContext, binary: string, args: (port: number) => string[], dir: string, name: string): Promise<ProxyPeer> {
  let last = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const child = spawn(binary, args(port), { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const stop = stopper(child);
    if (await listening(port, child, Date.now() + 20_000)) {
      t.after(stop);
      return { port, dir };
    }
    await stop();
    last = out;
  }
  throw new Error(`${name} did not start: ${last}`);
}

/**
 * Starts squid as a forward proxy (absolute-form http, CONNECT to any port), with basic
 * proxy authentication when `user`/`password` are given. Returns null when skipped.
 */
export async function startSquid(t: TestContext, auth?: { user: string; password: string }): Promise<ProxyPeer | null> {
  const squid = requirePeer(t, 'squid', 'apt-get install squid');
  if (!squid) return null;
  const helper = '/usr/lib/squid/basic_ncsa_auth';
  const dir = mkdtempSync(join(tmpdir(), 'ferry-squid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // squid drops root privileges to its own user: it must be able to write here.
  chmodSync(dir, 0o777);
  let authConf = 'http_access allow all\n';
  if (auth) {
    const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
    if (!openssl) return null;
    const hash = execFileSync(openssl, ['passwd', '-apr1', auth.password], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'htpasswd'), `${auth.user}:${hash}\n`, { mode: 0o644 });
    authConf = `auth_param basic program ${helper} ${dir}/htpasswd
auth_param basic realm ferry-test
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all
`;
  }
  return launch(
    t,
    squid,
    (port) => {
      writeFileSync(
        join(dir, 'squid.conf'),
        `http_port 127.0.0.1:${port}
pid_filename ${dir}/squid.pid
cache_log ${dir}/cache.log
access_log ${dir}/access.log
coredump_dir ${dir}
cache deny all
cache_mem 4 MB
shutdown_lifetime 0 seconds
visible_hostname ferry-test
dns_nameservers 127.0.0.1
${authConf}`,
      );
      return ['-N', '-f', join(dir, 'squid.conf')];
    },
    dir,
    'squid',
  ).catch((e: Error) => {
    let log = '';
    try {
      log = readFileSync(join(dir, 'cache.log'), 'utf8');
    } catch {}
    throw new Error(`${e.message}\n${log}`);
  });
}

/** Starts microsocks (SOCKS5), with username/password when given. Returns null when skipped. */
export async function startMicrosocks(t: TestContext, auth?: { user: string; password: string }): Promise<ProxyPeer | null> {
  const microsocks = requirePeer(t, 'microsocks', 'apt-get install microsocks');
  if (!microsocks) return null;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-socks-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return launch(
    t,
    microsocks,
    (port) => ['-i', '127.0.0.1', '-p', String(port), ...(auth ? ['-u', auth.user, '-P', auth.password] : [])],
    dir,
    'microsocks',
  );
}
