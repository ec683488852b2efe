/**
 * The package as users get it: `npm pack`, install the tarball into a temp project
 * (`--offline`: its dependencies come from the npm cache `npm install` filled), then in
 * Node, Deno and Bun import every subpath and make a request through the root entry, which
 * must pick that runtime's transport through the exports conditions.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ensureDist, root } from '../conformance/build.js';
import { requireRuntime, runtimeEnv } from '../conformance/host.js';
import { createEchoServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const subpaths = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? 'ferry' : `ferry/${k.slice(2)}`));

let project: string;
let server: TestServer;

// One script for every runtime: imports each subpath, then GETs the echo server through the root entry.
const script = `
const subpaths = ${JSON.stringify(subpaths)};
const loaded = {};
for (const s of subpaths) {
  try { loaded[s] = Object.keys(await import(s)).length; } catch (e) { loaded[s] = 'error: ' + (e && e.message); }
}
const ferry = await import('ferry');
const client = ferry.createClient({ cookies: false });
const res = await ferry.fetch(process.env.FERRY_URL ?? globalThis.Deno?.env.get('FERRY_URL'), { method: 'POST', json: { hi: 1 } });
const echo = await res.json();
console.log(JSON.stringify({ loaded, transport: client.transport.name, status: res.status, method: echo.method, body: echo.body }));
await client.close();
globalThis.Deno ? Deno.exit(0) : process.exit(0);
`;

before(async () => {
  await ensureDist();
  server = await createEchoServer(undefined);
  project = mkdtempSync(join(tmpdir(), 'ferry-package-'));
  const { stdout } = await run('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: root });
  const tarball = join(project, stdout.trim().split('\n').pop() as string);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ferry-consumer', private: true, type: 'module' }));
  writeFileSync(join(project, 'main.mjs'), script);
  const install = (mode: string) =>
    run('npm', ['install', tarball, '--no-audit', '--no-fund', mode, '--ignore-scripts'], { cwd: project, timeout: 240_000 });
  // The cache `npm install` filled has every dependency: --offline takes a second; --prefer-offline
  // (which revalidates with the registry) only when something is missing from the cache.
  await install('--offline').catch(() => install('--prefer-offline'));
});
after(async () => {
  await server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

interface Report {
  loaded: Record<string, number | string>;
  transport: string;
  status: number;
  method: string;
  body: string;
}

async function consume(command: string, args: string[]): Promise<Report> {
  const { stdout } = await run(command, args, {
    cwd: project,
    env: runtimeEnv({ FERRY_URL: `${server.url}/echo` }),
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Report;
}

function check(report: Report, transport: string, skip: readonly string[] = []): void {
  for (const s of subpaths) {
    if (skip.includes(s)) continue;
    assert.equal(typeof report.loaded[s], 'number', `import ${s}: ${report.loaded[s]}`);
  }
  assert.equal(report.transport, transport);
  assert.equal(report.status, 200);
  assert.equal(report.method, 'POST');
  assert.equal(report.body, '{"hi":1}');
}

test('the tarball ships dist only, with one copy of every error class', async () => {
  const files = readdirSync(join(project, 'node_modules/ferry/dist'), { recursive: true }) as string[];
  assert.ok(
    files.includes('index.js') && files.includes('index.node.js') && files.includes('index.deno.js') && files.includes('index.bun.js'),
  );
  assert.ok(!readdirSync(join(project, 'node_modules/ferry')).includes('src'), 'no src/ in the package');
  for (const cls of ['FerryError', 'TransportError', 'CapabilityError', 'DecodingError']) {
    let js = 0;
    let dts = 0;
    for (const f of files) {
      if (!f.endsWith('.js') && !f.endsWith('.d.ts')) continue;
      const text = readFileSync(join(project, 'node_modules/ferry/dist', f), 'utf8');
      // tsc: `class X extends`; esbuild: `var X = class extends`.
      const n = text.match(new RegExp(`class ${cls}\\b|\\b${cls} = class\\b`, 'g'))?.length ?? 0;
      if (f.endsWith('.js')) js += n;
      else if (f.endsWith('.d.ts')) dts += n;
    }
    assert.equal(js, 1, `${cls} declared once in dist/**/*.js`);
    assert.equal(dts, 1, `${cls} declared once in dist/**/*.d.ts`);
  }
});

test('Node: every subpath imports; the root entry uses the node transport', async () => {
  check(await consume(process.execPath, ['main.mjs']), 'node');
});

test('Deno: every subpath imports; the root entry uses the deno transport', async (t) => {
  const deno = requireRuntime(t, 'deno');
  if (!deno) return;
  check(
    await consume(deno, ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', '--allow-sys', '--no-prompt', 'main.mjs']),
    'deno',
  );
});

test('Bun: every subpath but ferry/node imports; the root entry uses the bun transport', async (t) => {
  const bun = requireRuntime(t, 'bun');
  if (!bun) return;
  // ferry/node is undici's transport: Bun resolves 'undici' to a built-in stub, so it is not
  // for Bun (the bun entry never imports it). Whether it happens to load is not checked.
  check(await consume(bun, ['main.mjs']), 'bun', ['ferry/node']);
});
