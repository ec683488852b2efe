/**
 * The benchmark's server, in a process of its own: nginx with a temp config on a free port
 * when it is installed (`BENCH_SERVER=node` forces the Node fallback), else a minimal Node
 * server (bench/node-server.ts). Both serve the same three endpoints:
 * - `GET /small`  a small static body (`smallBody`)
 * - `GET /large`  a 64 MiB file (`largeSize` bytes; 1 MiB, `smokeLargeSize`, in a smoke run)
 * - `POST /post`  reads the whole request body, answers `{"ok":true}`
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The small body every client fetches in scenarios A and B. */
export const smallBody = 'Hello from the ferry benchmark server.\n';
/** Size of the large download (scenario C). */
export const largeSize = 64 * 1024 * 1024;
/**
 * Size of the large download in a smoke run: the same code paths, without 64 MiB per download
 * (times 16 workers, half of them buffering it whole) taking most of the smoke run's time.
 */
export const smokeLargeSize = 1024 * 1024;

/** The large download's size for a full or a smoke run. */
export function largeSizeFor(smoke: boolean): number {
  return smoke ? smokeLargeSize : largeSize;
}

/** A running server. */
export interface BenchServer {
  readonly kind: 'nginx' | 'node';
  readonly origin: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function findNginx(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx']) if (existsSync(p)) return p;
  try {
    return execFileSync('which', ['nginx'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function waitForServer(origin: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`bench server exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(`${origin}/small`);
      if ((await res.text()) === smallBody) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`bench server at ${origin} did not answer within ${deadlineMs} ms`, { cause: lastError });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function nginxConfig(dir: string, port: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location = /small { default_type text/plain; }
    location = /large { }
    location = /post {
      # nginx reads (and discards) the whole request body before answering a return.
      client_max_body_size 1m;
      default_type application/json;
      return 200 '{"ok":true}';
    }
  }
}
`;
}

async function startNginx(bin: string, large: number): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-nginx-'));
  const www = join(dir, 'www');
  execFileSync('mkdir', ['-p', www]);
  writeFileSync(join(www, 'small'), smallBody);
  const fd = openSync(join(www, 'large'), 'w');
  ftruncateSync(fd, large);
  closeSync(fd);
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port));
  const child = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForServer(origin, child, 10_000);
  } catch (e) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    kind: 'nginx',
    origin,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startNode(large: number): Promise<BenchServer> {
  const port = await freePort();
  const script = new URL('./node-server.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(port), String(large)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForServer(origin, child, 20_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { kind: 'node', origin, stop: () => stopChild(child) };
}

/**
 * Starts nginx when installed (unless `BENCH_SERVER=node`), else the Node server; `/large`
 * serves `large` bytes (`largeSizeFor(smoke)`).
 */
export async function startBenchServer(prefer: string | undefined = process.env.BENCH_SERVER, large = largeSize): Promise<BenchServer> {
  const nginx = prefer === 'node' ? null : findNginx();
  if (prefer === 'nginx' && !nginx) throw new Error('BENCH_SERVER=nginx but nginx is not installed');
  return nginx ? startNginx(nginx, large) : startNode(large);
}
