/**
 * The benchmark: `npm run bench` (full) or `npm run bench:smoke` (tiny counts, every client ×
 * scenario once). Starts one server in its own process, runs every client × scenario in a
 * fresh process per repetition (order alternating), on each Node binary, and prints and
 * writes a Markdown report per Node version to bench/results/.
 *
 * Environment:
 * - `BENCH_SMOKE=1`            tiny counts, a 1 MiB download for C, one repetition, current
 *                              Node only, and one process per client (its scenarios one
 *                              after another) instead of one per client × scenario
 * - `BENCH_REPS=n`             repetitions (default 3)
 * - `BENCH_NODES=a,b`          Node binaries for the clients (default: this one, and
 *                              runtimes/node_modules/node24/bin/node when present)
 * - `BENCH_CLIENTS=ferry,…`    a subset of clients (undici.request is always added)
 * - `BENCH_SCENARIOS=A,D`      a subset of scenarios
 * - `BENCH_SERVER=node|nginx`  force the server (default: nginx when installed)
 * - `BENCH_OUT=dir`            where reports go (default bench/results)
 * - `BENCH_CPU_PROF=dir`       run the workers with --cpu-prof, profiles (and the worker bundle) into dir
 * - `BENCH_CPU_PROF_INTERVAL=µs` the sampling interval of those profiles (default 1000)
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { buildWorker } from './build-worker.js';
import { baseline, type ClientName, clientNames } from './clients.js';
import { renderReport, type Sample } from './report.js';
import { type ScenarioId, scenarioIds, scenarioSpecs } from './scenarios.js';
import { largeSizeFor, startBenchServer } from './server.js';
import type { WorkerJob, WorkerResult } from './worker.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const env = process.env;
const smoke = env.BENCH_SMOKE === '1' || env.BENCH_SMOKE === 'true';
const reps = Math.max(1, Number(env.BENCH_REPS ?? (smoke ? 1 : 3)));
const warmupScale = Math.max(1, Number(env.BENCH_WARMUP_SCALE ?? 1));
const connections = 10;

function list<T extends string>(value: string | undefined, all: readonly T[], what: string): T[] {
  if (!value) return [...all];
  const wanted = value.split(',').map((s) => s.trim());
  for (const w of wanted) if (!all.includes(w as T)) throw new Error(`${what}: unknown ${JSON.stringify(w)} (known: ${all.join(', ')})`);
  return all.filter((a) => wanted.includes(a));
}

const clients = list(env.BENCH_CLIENTS, clientNames, 'BENCH_CLIENTS');
if (!clients.includes(baseline)) clients.unshift(baseline);
const scenarios = list(env.BENCH_SCENARIOS, scenarioIds, 'BENCH_SCENARIOS');

function nodeBinaries(): string[] {
  if (env.BENCH_NODES) return env.BENCH_NODES.split(',').map((s) => s.trim());
  const node24 = join(root, 'runtimes/node_modules/node24/bin/node');
  return smoke || !existsSync(node24) ? [process.execPath] : [process.execPath, node24];
}

/** The worker running now, so an interrupt can end it. */
let current: ChildProcess | null = null;

/** Runs one worker process; resolves to its results, one per scenario of the job. */
function runWorker(node: string, worker: string, job: WorkerJob): Promise<WorkerResult[]> {
  const args = ['--expose-gc'];
  if (env.BENCH_CPU_PROF)
    args.push(
      '--cpu-prof',
      `--cpu-prof-dir=${env.BENCH_CPU_PROF}`,
      `--cpu-prof-interval=${env.BENCH_CPU_PROF_INTERVAL ?? 1000}`,
      `--cpu-prof-name=${job.client}-${job.scenarios.join('+')}-${Date.now()}.cpuprofile`,
    );
  args.push(worker, JSON.stringify(job));
  const limitMs = smoke ? 60_000 : 240_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const lines = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      if (code === 0 && lines.length === job.scenarios.length) return resolvePromise(lines.map((l) => JSON.parse(l) as WorkerResult));
      const why = signal === 'SIGKILL' ? `killed after ${limitMs} ms` : `exit ${code ?? signal}`;
      reject(new Error(`${job.client} ${job.scenarios.join(',')} on ${node}: ${why}\n${err.trim()}`));
    });
  });
}

async function versionOf(node: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(node, ['-p', 'process.version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolvePromise(out.trim()));
  });
}

function stamp(): string {
  return new Date().toISOString().slice(0, 16).replace(':', '');
}

async function main(): Promise<void> {
  const worker = await buildWorker(root);
  const server = await startBenchServer(env.BENCH_SERVER, largeSizeFor(smoke));
  // Interrupted: end the worker and the server (nginx would outlive us), then exit.
  const stop = (signal: NodeJS.Signals): void => {
    current?.kill('SIGKILL');
    rmSync(worker, { force: true });
    void server.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const outDir = resolve(env.BENCH_OUT ?? join(root, 'bench/results'));
  mkdirSync(outDir, { recursive: true });
  const specs = scenarioSpecs(smoke, warmupScale);
  const failures: string[] = [];
  try {
    for (const node of nodeBinaries()) {
      const version = await versionOf(node);
      const started = Date.now();
      const load0 = loadavg()[0] ?? 0;
      const samples: Sample[] = [];
      const failed: string[] = [];
      console.error(
        `# Node ${version}: ${clients.length} clients × ${scenarios.length} scenarios × ${reps} repetition(s) against ${server.kind} at ${server.origin}`,
      );
      for (let rep = 0; rep < reps; rep++) {
        const order = rep % 2 === 0 ? clients : [...clients].reverse();
        // A full run: each client × scenario in a fresh process. A smoke run: each client in one
        // process, its scenarios one after another (same worker code, 8 processes rather than
        // 40: process start-up and library loading were most of the smoke run's time).
        const job = (client: ClientName, only: ScenarioId[]): WorkerJob => ({
          client,
          scenarios: only,
          origin: server.origin,
          connections,
          smoke,
          warmupScale,
        });
        const jobs = smoke ? order.map((c) => job(c, scenarios)) : scenarios.flatMap((s) => order.map((c) => job(c, [s])));
        for (const j of jobs) {
          try {
            for (const r of await runWorker(node, worker, j)) {
              samples.push({ ...r, rep });
              console.error(
                `  rep ${rep + 1} ${r.scenario.padEnd(8)} ${r.client.padEnd(15)} ${r.rate.toFixed(0).padStart(7)} ${specs[r.scenario].unit}  peak RSS ${r.peakRssMB.toFixed(1)} MiB`,
              );
            }
          } catch (e) {
            const what = `rep ${rep + 1} ${j.scenarios.join(',')} ${j.client}`;
            failures.push((e as Error).message);
            failed.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
            console.error(`  ${what}: FAILED ${(e as Error).message}`);
          }
        }
      }
      const cpu = cpus();
      const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, load ${load0.toFixed(2)} → ${(loadavg()[0] ?? 0).toFixed(2)}, ${((Date.now() - started) / 1000).toFixed(0)} s`;
      const command = [
        smoke ? 'BENCH_SMOKE=1' : '',
        env.BENCH_REPS ? `BENCH_REPS=${env.BENCH_REPS}` : '',
        warmupScale !== 1 ? `BENCH_WARMUP_SCALE=${warmupScale}` : '',
        'npm run bench',
      ]
        .filter(Boolean)
        .join(' ');
      const report = renderReport(
        {
          node: version,
          date: new Date().toISOString(),
          server: `${server.kind} on 127.0.0.1 (separate process)`,
          connections,
          reps,
          smoke,
          command,
          machine,
        },
        samples,
        specs,
        clients as ClientName[],
      );
      const tail = failed.length ? `\n## Workers that failed (left out above)\n\n${failed.map((f) => `- ${f}`).join('\n')}\n` : '';
      const file = join(outDir, `${stamp()}-node${version.replace(/^v/, '')}${smoke ? '-smoke' : ''}.md`);
      writeFileSync(file, `${report}\n${tail}`);
      process.stdout.write(`${report}\n${tail}\nwritten to ${file}\n\n`);
    }
  } finally {
    await server.stop();
    if (env.BENCH_CPU_PROF) copyFileSync(worker, join(env.BENCH_CPU_PROF, 'worker.mjs'));
    rmSync(worker, { force: true });
  }
  if (failures.length) {
    console.error(`\n${failures.length} worker(s) failed:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
