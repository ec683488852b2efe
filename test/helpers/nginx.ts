/**
 * Starts Debian's nginx for a test: its own temp prefix and config, a free loopback port,
 * single-process and in the foreground, stopped by `t.after()`. Reusable for TLS and unix
 * socket tests: pass the `server { … }` body and, where needed, your own `listen` argument.
 *
 * @example
 * const nginx = await startNginx(t, { server: ({ dir }) => `location / { root ${dir}/www; gzip on; }`, modules: ['brotli'] });
 * if (!nginx) return; // skipped (not installed, outside CI)
 * await fetch(`${nginx.url}/file.txt`);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { listening, stopper } from './peer-process.js';
import { requirePeer } from './peers.js';

/** Dynamic modules the Debian packages ship, by short name. */
export const nginxModules = {
  brotli: '/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so',
} as const;

export interface NginxContext {
  /** The temp prefix: put document roots, certificates and sockets here. */
  readonly dir: string;
  readonly port: number;
}

export interface NginxOptions {
  /** The body of the `server { … }` block (without `listen`). */
  readonly server: string | ((ctx: NginxContext) => string);
  /** Extra directives for the `http { … }` block. */
  readonly http?: string | ((ctx: NginxContext) => string);
  /** The `listen` argument; default `127.0.0.1:PORT`. Use e.g. `127.0.0.1:${port} ssl` or `unix:${dir}/s.sock`. */
  readonly listen?: (ctx: NginxContext) => string;
  /** Dynamic modules to load. */
  readonly modules?: readonly (keyof typeof nginxModules)[];
  /** Files to create under the prefix before start (path relative to it → content). */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
}

export interface Nginx extends NginxContext {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (nginx cannot report a port-0 bind). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function config(options: NginxOptions, ctx: NginxContext): string {
  const text = (v: string | ((c: NginxContext) => string) | undefined): string => (typeof v === 'function' ? v(ctx) : (v ?? ''));
  const { dir } = ctx;
  const modules = (options.modules ?? []).map((m) => `load_module ${nginxModules[m]};`).join('\n');
  return `${modules}
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  types { text/plain txt; text/html html; application/json json; application/javascript js; }
  default_type application/octet-stream;
  ${text(options.http)}
  server {
    listen ${options.listen ? options.listen(ctx) : `127.0.0.1:${ctx.port}`};
    server_name localhost;
    ${text(options.server)}
  }
}
`;
}

/**
 * Starts nginx with `options` on a free port and registers its stop with `t.after`.
 * Returns null when nginx is missing outside CI (the test is then skipped with a reason).
 */
export async function startNginx(t: TestContext, options: NginxOptions): Promise<Nginx | null> {
  const binary = requirePeer(t, 'nginx', 'apt-get install nginx libnginx-mod-http-brotli-filter');
  if (!binary) return null;
  for (const m of options.modules ?? []) {
    if (existsSync(nginxModules[m])) continue;
    const reason = `nginx module ${m} is not installed (${nginxModules[m]})`;
    if (process.env.CI) throw new Error(`required test peer missing under CI: ${reason}`);
    console.log(`# skipping: ${reason}`);
    t.skip(reason);
    return null;
  }
  const dir = await mkdtemp(join(tmpdir(), 'ferry-nginx-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'tmp'), { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    await writeFile(full, content);
  }
  let lastError = '';
  // A free port can be taken between the probe and nginx's bind: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const ctx = { dir, port };
    await writeFile(join(dir, 'nginx.conf'), config(options, ctx));
    const child = spawn(binary, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const stop = stopper(child);
    const unixListen = options.listen?.(ctx).startsWith('unix:') === true;
    const up = unixListen
      ? await socketFile(options.listen?.(ctx).slice(5) ?? '', child, Date.now() + 10_000)
      : await listening(port, child, Date.now() + 10_000);
    if (up) {
      t.after(stop);
      return { dir, port, url: `http://127.0.0.1:${port}`, stop };
    }
    await stop();
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
    lastError = `${stderr}\n${log}`.trim();
    if (!/Address already in use/.test(lastError)) break;
  }
  throw new Error(`nginx did not start: ${lastError}`);
}

async function socketFile(path: string, child: ChildProcess, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (existsSync(path)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
