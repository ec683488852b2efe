/**
 * One client × one scenario, in a fresh process: `node --import tsx bench/worker.ts '<json>'`
 * with `{ client, scenario, origin, connections, smoke }`. Warms up, resets the peak-RSS
 * counter, runs the measured part and prints one JSON line (a WorkerResult) on stdout.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type ClientName, makeClient } from './clients.js';
import { operation, runMany, type ScenarioId, scenarioSpecs } from './scenarios.js';
import { largeSize } from './server.js';

/** What the orchestrator passes to a worker. */
export interface WorkerJob {
  readonly client: ClientName;
  readonly scenario: ScenarioId;
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

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
  const spec = scenarioSpecs(job.smoke, job.warmupScale)[job.scenario];
  const client = await makeClient(job.client, job.connections, job.origin);
  const op = operation(job.scenario, client, job.origin);
  const isDownload = job.scenario === 'C-stream' || job.scenario === 'C-buffer';
  const check = await op();
  const expected = isDownload ? largeSize : job.scenario === 'D' ? '{"ok":true}'.length : null;
  if (expected !== null && check !== expected) throw new Error(`${job.client} ${job.scenario}: got ${check} bytes, expected ${expected}`);
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
  if (isDownload && bytes !== largeSize * spec.count) throw new Error(`${job.client} ${job.scenario}: moved ${bytes} bytes`);
  await client.close();
  const result: WorkerResult = {
    client: job.client,
    scenario: job.scenario,
    node: process.version,
    count: spec.count,
    ms,
    rate: isDownload ? bytes / mib / (ms / 1000) : spec.count / (ms / 1000),
    peakRssMB: peak / mib,
    startRssMB: startRss / mib,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
