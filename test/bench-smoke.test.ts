/**
 * The benchmark's smoke run (`npm run bench:smoke`): every client × scenario once with tiny
 * counts, so the harness never rots. Checks that it completes and reports every cell; the
 * numbers themselves mean nothing here (no timed assertions). Also runs `bench:inflight` once.
 * Both in their smoke mode (BENCH_SMOKE=1: a 1 MiB download, one worker process per client,
 * one pair of heap snapshots): about 11 s on an idle 2-core machine, where 40 worker processes,
 * 64 MiB downloads and three pairs of snapshots took 45 s (and over a minute within npm test).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { clientNames } from '../bench/clients.js';
import { scenarioSpecs } from '../bench/scenarios.js';
import { findBinary } from './helpers/peers.js';

const root = new URL('..', import.meta.url).pathname;

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/run.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // SIGTERM lets the run stop its server (nginx) and worker; SIGKILL only if it hangs.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, 200_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench smoke', () => {
  it('runs every client × scenario once and writes a Markdown report', { timeout: 240_000 }, async (t) => {
    const out = mkdtempSync(join(tmpdir(), 'ferry-bench-smoke-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const nginx = findBinary('nginx');
    if (!nginx) console.log('# nginx is not installed: the smoke run uses the Node fallback server');
    const { code, stdout, stderr } = await run({
      BENCH_SMOKE: '1',
      BENCH_OUT: out,
      BENCH_NODES: process.execPath,
      BENCH_SERVER: nginx ? 'nginx' : 'node',
      BENCH_REPS: '1',
      BENCH_CLIENTS: '',
      BENCH_SCENARIOS: '',
      BENCH_CPU_PROF: '',
    });
    assert.equal(code, 0, `bench smoke failed:\n${stderr}`);
    const files = readdirSync(out).filter((f) => f.endsWith('-smoke.md'));
    assert.equal(files.length, 1, `one report expected in ${out}, got ${files.join(', ')}`);
    const report = readFileSync(join(out, files[0] as string), 'utf8');
    assert.ok(stdout.includes(report.trim()), 'the report is printed too');
    assert.match(report, new RegExp(`server: ${nginx ? 'nginx' : 'node'} `));
    for (const spec of Object.values(scenarioSpecs(true))) {
      const section = report.split(`## ${spec.title} (`)[1]?.split('\n## ')[0];
      assert.ok(section, `section for ${spec.title}`);
      for (const client of clientNames) {
        assert.match(section, new RegExp(`^\\| ${client.replace('.', '\\.')} \\| [\\d,]+ \\|`, 'm'), `${client} in ${spec.id}`);
      }
    }
    assert.match(report, /## ferry against its targets/);
  });

  it('bench:inflight counts what a client keeps alive per in-flight request', { timeout: 120_000 }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/inflight.ts')], {
      cwd: root,
      env: { ...process.env, BENCH_SMOKE: '1', BENCH_NODES: process.execPath, BENCH_CLIENTS: 'ferry', BENCH_SCENARIOS: 'D' },
      encoding: 'utf8',
      timeout: 110_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const row = /^\| v[\d.]+ \| D \| ferry \| ([\d.]+) \| (\d+) \|$/m.exec(r.stdout);
    assert.ok(row, r.stdout);
    // 50 held requests each keep at least their undici request, handler and socket state.
    assert.ok(Number(row[1]) > 10, `objects per in-flight request: ${row[1]}`);
  });

  it("bench:chain measures ferry's own CPU per request over an in-memory transport", { timeout: 60_000 }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/chain.ts')], {
      cwd: root,
      env: { ...process.env, BENCH_NODES: process.execPath, BENCH_CHAIN_REQUESTS: '500', BENCH_REPS: '1', BENCH_SCENARIOS: 'A,D' },
      encoding: 'utf8',
      timeout: 55_000,
    });
    assert.equal(r.status, 0, r.stderr);
    for (const scenario of ['A', 'D'])
      assert.match(r.stdout, new RegExp(`^\\| v[\\d.]+ \\| ${scenario} \\| [\\d.]+ \\| [\\d.]+ \\|$`, 'm'), r.stdout);
  });
});
