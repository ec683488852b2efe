/**
 * One client × one scenario, in a fresh process: `node --import tsx bench/worker.ts '<json>'`
 * with `{ client, scenarios, origin, connections, smoke }`. Warms up, resets the peak-RSS
 * counter, runs the measured part and prints one JSON line (a WorkerResult) on stdout. A smoke
 * run passes all the scenarios: they run one after another on one client, a line each.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type BenchClient, type ClientName, makeClient } from './clients.js';
import { operation, runMany, type ScenarioId, scenarioSpecs } from './scenarios.js';
import { largeSizeFor } from './server.js';

/** What the orchestrator passes to a worker. */
export interface WorkerJob {
  readonly client: ClientName;
  /**
   * The scenarios to run, in order, on one client: one in a full run (each client × scenario
   * in a fresh process); a smoke run passes all of them, to spawn one process per client.
   */
  readonly scenarios: readonly ScenarioId[];
  readonly origin: string;
  readonly connections: number;
  readonly smoke: boolean;
  /** Multiplies every warm-up count (BENCH_WARMUP_SCALE); 1 by default. */
  readonly warmupScale?: number;
}

/** What a worker prints. */
export interface WorkerResult {
  readonly client: ClientName;
  readonly scenario: ScenarioId;
  readonly node: string;
  readonly count: number;
  readonly ms: number;
  /** req/s, or MB/s (MiB/s) for C. */
  readonly rate: number;
  /** Peak RSS in MiB during the measured part (VmHWM after a reset, else sampled). */
  readonly peakRssMB: number;
  /** RSS in MiB just before the measured part. */
  readonly startRssMB: number;
  /** CPU time (user + system, all threads) of the measured part, in ms. */
  readonly cpuMs: number;
}

const mib = 1024 * 1024;

/** Resets the kernel's peak-RSS counter (Linux ≥ 4.0); false where that is not possible. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function kernelPeakRss(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function runScenario(job: WorkerJob, client: BenchClient, scenario: ScenarioId): Promise<WorkerResult> {
  const spec = scenarioSpecs(job.smoke, job.warmupScale)[scenario];
  const op = operation(scenario, client, job.origin);
  const isDownload = scenario === 'C-stream' || scenario === 'C-buffer';
  const largeSize = largeSizeFor(job.smoke);
  const check = await op();
  const expected = isDownload ? largeSize : scenario === 'D' ? '{"ok":true}'.length : null;
  if (expected !== null && check !== expected) throw new Error(`${job.client} ${scenario}: got ${check} bytes, expected ${expected}`);
  await runMany(op, spec.warmup, spec.concurrency);
  (globalThis as { gc?: () => void }).gc?.();
  const startRss = process.memoryUsage.rss();
  const kernel = resetPeakRss();
  let sampled = startRss;
  const sampler = kernel ? null : setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 5);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const bytes = await runMany(op, spec.count, spec.concurrency);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (sampler) clearInterval(sampler);
  const peak = Math.max(kernel ? (kernelPeakRss() ?? 0) : sampled, process.memoryUsage.rss());
  if (isDownload && bytes !== largeSize * spec.count) throw new Error(`${job.client} ${scenario}: moved ${bytes} bytes`);
  return {
    client: job.client,
    scenario,
    node: process.version,
    count: spec.count,
    ms,
    rate: isDownload ? bytes / mib / (ms / 1000) : spec.count / (ms / 1000),
    peakRssMB: peak / mib,
    startRssMB: startRss / mib,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
  const client = await makeClient(job.client, job.connections, job.origin);
  for (const scenario of job.scenarios) {
    const result = await runScenario(job, client, scenario);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
  await client.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
