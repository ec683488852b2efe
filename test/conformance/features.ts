/**
 * Transport features that need real peers (proxies, TLS, unix sockets), exercised in Deno and
 * Bun: the host starts the peers, a small script in the runtime makes each request through
 * the built transport (`dist/transports/<runtime>/index.js`) and prints one JSON line per
 * scenario; the host asserts on them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './build.js';
import { runtimeEnv } from './host.js';

const run = promisify(execFile);

/** One request to make in the runtime. */
export interface Scenario {
  readonly label: string;
  /** Options for createDenoTransport / createBunTransport. */
  readonly transport: Record<string, unknown>;
  readonly url: string;
  /** The request's init (JSON), besides a 10 s timeout. */
  readonly init?: Record<string, unknown>;
  /** Wrap the runtime's fetch and report the fetch init fields the transport handed it. */
  readonly spy?: boolean;
}

/** What the runtime saw. */
export interface ScenarioResult {
  readonly label: string;
  readonly status?: number;
  readonly body?: string;
  readonly error?: { name: string; code?: string; capability?: string; message: string };
  /** With `spy`: the fetch init fields of each platform fetch call. */
  readonly seen?: Record<string, unknown>[];
}

const script = `
const [entry, factory, scenarios] = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2]);
const mod = await import(entry);
const fields = ['credentials', 'mode', 'cache', 'referrer', 'referrerPolicy', 'integrity', 'keepalive', 'priority'];
for (const s of JSON.parse(scenarios)) {
  let out;
  const seen = [];
  const options = { ...s.transport };
  if (s.spy) options.fetch = (input, init) => {
    seen.push(Object.fromEntries(fields.filter((k) => init && init[k] !== undefined).map((k) => [k, init[k]])));
    return globalThis.fetch(input, init);
  };
  try {
    const client = mod.createClient({ cookies: false, retry: false, transport: mod[factory](options) });
    const res = await client.get(s.url, { timeout: 10000, ...(s.init ?? {}) });
    out = { label: s.label, status: res.status, body: await res.text() };
    await client.close();
  } catch (e) {
    out = { label: s.label, error: { name: e?.name, code: e?.code, capability: e?.capability, message: String(e?.message ?? e) } };
  }
  if (s.spy) out.seen = seen;
  console.log('FEATURE ' + JSON.stringify(out));
}
globalThis.Deno ? Deno.exit(0) : process.exit(0);
`;

/** Runs the scenarios in `command args…`; resolves with one result per scenario label. */
export async function runScenarios(
  command: string,
  args: readonly string[],
  entry: string,
  factory: string,
  scenarios: readonly Scenario[],
): Promise<Map<string, ScenarioResult>> {
  const dir = join(root, '.tmp', `features-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'features.mjs');
  writeFileSync(file, script);
  const { stdout } = await run(command, [...args, file, JSON.stringify([entry, factory, JSON.stringify(scenarios)])], {
    cwd: root,
    env: runtimeEnv(),
    timeout: 120_000,
    maxBuffer: 8 * 1024 * 1024,
  });
  const out = new Map<string, ScenarioResult>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('FEATURE ')) continue;
    const r = JSON.parse(line.slice('FEATURE '.length)) as ScenarioResult;
    out.set(r.label, r);
  }
  return out;
}

/** fetch's per-request fields a fetch-based transport must hand its platform (issue 8). */
export const fetchInitFields = {
  credentials: 'include',
  cache: 'no-store',
  priority: 'high',
  referrerPolicy: 'no-referrer',
  keepalive: true,
} as const;

/**
 * The fetch-init scenarios every fetch-based runtime runs against `startEchoServer`'s asset:
 * the fields with a good integrity, none, and a wrong integrity (see `checkFetchInit`).
 */
export function fetchInitScenarios(server: { readonly url: string; readonly asset: string }): Scenario[] {
  const assetUrl = `${server.url}/asset`;
  const good = `sha256-${createHash('sha256').update(server.asset).digest('base64')}`;
  const bad = `sha256-${createHash('sha256').update('tampered').digest('base64')}`;
  return [
    { label: 'fields', transport: {}, url: assetUrl, init: { ...fetchInitFields, integrity: good }, spy: true },
    { label: 'none', transport: {}, url: assetUrl, spy: true },
    { label: 'mismatch', transport: {}, url: assetUrl, init: { integrity: bad } },
  ];
}

/** Asserts `fetchInitScenarios`' outcomes; returns a getter for the other labels. */
export function checkFetchInit(results: Map<string, ScenarioResult>, asset: string): (label: string) => ScenarioResult {
  const get = (label: string): ScenarioResult => {
    const r = results.get(label);
    assert.ok(r, `a result for ${label}`);
    return r;
  };
  assert.equal(get('fields').status, 200, JSON.stringify(get('fields')));
  assert.equal(get('fields').body, asset);
  assert.deepEqual(get('fields').seen, [fetchInitFields], 'every field set, never integrity');
  assert.deepEqual(get('none').seen, [{}], 'nothing set: nothing passed');
  assert.equal(get('mismatch').error?.code, 'ERR_INTEGRITY', JSON.stringify(get('mismatch')));
  assert.equal(get('mismatch').error?.name, 'IntegrityError');
  return get;
}

/** An HTTP server answering `via <Via header or 'direct'>`, on 127.0.0.1:0 or a unix socket. */
export async function startPlainServer(socketPath?: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => res.end(`via ${req.headers.via ?? 'direct'}`));
  await new Promise<void>((resolve) => (socketPath ? server.listen(socketPath, resolve) : server.listen(0, '127.0.0.1', resolve)));
  const url = socketPath ? 'http://localhost/unix' : `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An HTTPS server with `cert`/`key`; with `clientCa`, a client certificate is required. */
export async function startTlsServer(cert: string, key: string, clientCa?: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = https.createServer(
    { cert, key, ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}) },
    (req, res) => res.end(`tls ${(req.socket as import('node:tls').TLSSocket).getPeerCertificate()?.subject?.CN ?? 'anonymous'}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `/asset` answers a fixed script; everything else echoes the request headers as JSON. */
export async function startEchoServer(): Promise<{ url: string; asset: string; close(): Promise<void> }> {
  const asset = 'console.log("ferry asset");\n';
  const server = http.createServer((req, res) => {
    if (req.url === '/asset') res.writeHead(200, { 'content-type': 'text/javascript' }).end(asset);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asset,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
