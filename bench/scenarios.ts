/**
 * The scenarios and their counts (full and smoke), and how each one drives a client.
 * @module
 */
import type { BenchClient } from './clients.js';
import { largeSizeFor } from './server.js';

/** Scenario ids, in the table's order. */
export const scenarioIds = ['A', 'B', 'C-stream', 'C-buffer', 'D'] as const;
/** A scenario id. */
export type ScenarioId = (typeof scenarioIds)[number];

/** How a scenario is run and reported. */
export interface ScenarioSpec {
  readonly id: ScenarioId;
  readonly title: string;
  /** Unit of the rate: requests or mebibytes per second. */
  readonly unit: 'req/s' | 'MB/s';
  readonly warmup: number;
  readonly count: number;
  readonly concurrency: number;
}

/** Counts per scenario; smoke mode runs every client × scenario a few times only. */
export function scenarioSpecs(smoke: boolean, warmupScale = 1): Record<ScenarioId, ScenarioSpec> {
  const large = `${largeSizeFor(smoke) / (1024 * 1024)} MiB`; // a smoke run's download is smaller too
  const specs: Record<ScenarioId, ScenarioSpec> = {
    A: {
      id: 'A',
      title: 'A: small GET, concurrency 50',
      unit: 'req/s',
      warmup: smoke ? 20 : 2000,
      count: smoke ? 100 : 20_000,
      concurrency: 50,
    },
    B: { id: 'B', title: 'B: small GET, sequential', unit: 'req/s', warmup: smoke ? 5 : 200, count: smoke ? 50 : 5000, concurrency: 1 },
    'C-stream': {
      id: 'C-stream',
      title: `C: ${large} download, streamed and dropped`,
      unit: 'MB/s',
      warmup: smoke ? 0 : 1,
      count: smoke ? 1 : 5,
      concurrency: 1,
    },
    'C-buffer': {
      id: 'C-buffer',
      title: `C: ${large} download, buffered`,
      unit: 'MB/s',
      warmup: smoke ? 0 : 1,
      count: smoke ? 1 : 5,
      concurrency: 1,
    },
    D: {
      id: 'D',
      title: 'D: POST 1 KiB JSON, concurrency 50',
      unit: 'req/s',
      warmup: smoke ? 20 : 1000,
      count: smoke ? 100 : 10_000,
      concurrency: 50,
    },
  };
  if (warmupScale === 1) return specs;
  // A longer warm-up (BENCH_WARMUP_SCALE) for steady-state numbers, every client alike.
  for (const id of scenarioIds) specs[id] = { ...specs[id], warmup: Math.round(specs[id].warmup * warmupScale) };
  return specs;
}

/** A JSON value that serialises to exactly 1024 bytes. */
export function kibJson(): Record<string, unknown> {
  const value: Record<string, unknown> = { id: 12345, name: 'ferry benchmark', tags: ['a', 'b', 'c'], active: true, pad: '' };
  const base = JSON.stringify(value).length;
  value.pad = 'x'.repeat(1024 - base);
  return value;
}

/** One unit of work of a scenario; resolves to the bytes it moved (body bytes for C). */
export function operation(id: ScenarioId, client: BenchClient, origin: string): () => Promise<number> {
  const small = `${origin}/small`;
  const large = `${origin}/large`;
  const post = `${origin}/post`;
  switch (id) {
    case 'A':
    case 'B':
      return async () => (await client.getText(small)).length;
    case 'C-stream':
      return () => client.stream(large);
    case 'C-buffer':
      return () => client.buffer(large);
    case 'D': {
      const value = kibJson();
      return async () => (await client.postJson(post, value)).length;
    }
  }
}

/** Runs `op` `count` times, `concurrency` at a time; resolves to the total bytes. */
export async function runMany(op: () => Promise<number>, count: number, concurrency: number): Promise<number> {
  let started = 0;
  let bytes = 0;
  const lane = async (): Promise<void> => {
    while (started < count) {
      started++;
      bytes += await op();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return bytes;
}
