/**
 * What a client keeps alive per request while the server has not answered yet: objects and
 * bytes per in-flight request, from heap snapshots with 50 requests held by the server and
 * with none (the median of three such pairs). At concurrency, whatever is alive across the wait is copied by every young-generation
 * GC meanwhile (see bench/README.md), so this is the figure to keep down.
 *
 * `npm run bench:inflight` (`BENCH_NODES`, `BENCH_CLIENTS` and `BENCH_SCENARIOS=A,D` as for
 * the benchmark; default ferry and undici.request on this Node, scenarios A and D;
 * `BENCH_SMOKE=1`: one pair of snapshots after a shorter warm-up, a rough figure fast). Each
 * client × scenario runs in a fresh process with its own loopback server, whose share of the
 * objects is the same for every client.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { type ClientName, clientNames, makeClient } from './clients.js';
import { kibJson } from './scenarios.js';

const held = 50;
const smoke = process.env.BENCH_SMOKE === '1' || process.env.BENCH_SMOKE === 'true';
/** Pairs of snapshots (the median is reported) and rounds of `held` requests to warm up. */
const pairs = smoke ? 1 : 3;
const warmRounds = smoke ? 10 : 40;

interface Count {
  readonly objects: number;
  readonly bytes: number;
}

/** What the GC copies: every heap node but compiled code and off-heap data (buffers' bytes). */
const skipped = new Set(['code', 'native']);

/** Node count and self size of a heap snapshot file (see `skipped`). */
function count(file: string): Count {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
    nodes: number[];
  };
  const meta = snapshot.snapshot.meta;
  const stride = meta.node_fields.length;
  const size = meta.node_fields.indexOf('self_size');
  const type = meta.node_fields.indexOf('type');
  const types = meta.node_types[0];
  let objects = 0;
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += stride) {
    if (skipped.has(types[snapshot.nodes[i + type] as number] as string)) continue;
    objects++;
    bytes += snapshot.nodes[i + size] as number;
  }
  return { objects, bytes };
}

async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The child: one client, one scenario; prints `{ objects, bytes }` per held request. */
async function measure(name: ClientName, scenario: string, dir: string): Promise<void> {
  const waiting: ServerResponse[] = [];
  let hold = false;
  const ok = Buffer.from('{"ok":true}');
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      if (hold) waiting.push(res);
      else res.writeHead(200, { 'content-type': 'application/json', 'content-length': ok.byteLength }).end(ok);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = await makeClient(name, held, origin);
  const value = kibJson();
  const one = scenario === 'D' ? () => client.postJson(`${origin}/post`, value) : () => client.getText(`${origin}/small`);
  // Warm: every connection open, the code paths compiled.
  for (let i = 0; i < warmRounds; i++) await Promise.all(Array.from({ length: held }, one));
  const rounds: Count[] = [];
  for (let round = 0; round < pairs; round++) {
    await settle();
    const idleFile = join(dir, `idle-${round}.heapsnapshot`);
    v8.writeHeapSnapshot(idleFile);
    hold = true;
    const all = Promise.all(Array.from({ length: held }, one));
    const deadline = Date.now() + 10_000;
    while (waiting.length < held && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (waiting.length < held) throw new Error(`only ${waiting.length} of ${held} requests reached the server`);
    await settle();
    const busyFile = join(dir, `busy-${round}.heapsnapshot`);
    v8.writeHeapSnapshot(busyFile);
    hold = false;
    for (const res of waiting.splice(0)) res.writeHead(200, { 'content-length': ok.byteLength }).end(ok);
    await all;
    const idle = count(idleFile);
    const busy = count(busyFile);
    rounds.push({ objects: (busy.objects - idle.objects) / held, bytes: (busy.bytes - idle.bytes) / held });
  }
  await client.close();
  server.close();
  // The median round: a snapshot may catch a timer list or a pool growing in between.
  const median = rounds.sort((a, b) => a.objects - b.objects)[pairs >> 1] as Count;
  console.log(JSON.stringify(median));
}

function list(value: string | undefined, fallback: readonly string[]): string[] {
  return value ? value.split(',').map((s) => s.trim()) : [...fallback];
}

async function main(): Promise<void> {
  const [, , child, scenarioArg, dirArg] = process.argv;
  if (child !== undefined) {
    await measure(child as ClientName, scenarioArg ?? 'A', dirArg ?? tmpdir());
    return;
  }
  const nodes = list(process.env.BENCH_NODES, [process.execPath]);
  const clients = list(process.env.BENCH_CLIENTS, ['undici.request', 'ferry']);
  for (const c of clients) if (!(clientNames as readonly string[]).includes(c)) throw new Error(`BENCH_CLIENTS: unknown client ${c}`);
  const scenarios = list(process.env.BENCH_SCENARIOS, ['A', 'D']);
  const self = fileURLToPath(import.meta.url);
  console.log('| node | scenario | client | objects per in-flight request | bytes per in-flight request |');
  console.log('|---|---|---|--:|--:|');
  for (const node of nodes) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    for (const scenario of scenarios)
      for (const c of clients) {
        const dir = mkdtempSync(join(tmpdir(), 'ferry-inflight-'));
        try {
          const r = spawnSync(node, ['--expose-gc', '--import', 'tsx', self, c, scenario, dir], { encoding: 'utf8', timeout: 120_000 });
          if (r.status !== 0) throw new Error(`${c} ${scenario} on ${version}: ${r.stderr || r.stdout}`);
          const { objects, bytes } = JSON.parse(r.stdout.trim().split('\n').pop() as string) as Count;
          console.log(`| ${version} | ${scenario} | ${c} | ${objects.toFixed(1)} | ${bytes.toFixed(0)} |`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
  }
}

await main();
