/**
 * ferry's own CPU per request, without a network: the default client (cookie jar, the whole
 * chain) over a transport that answers at once with a small JSON body, 50 requests in flight.
 * The network benchmark's ratios move with the shared host; this isolates what ferry itself
 * spends per call, to compare two versions of the chain (run it in each checkout, alternately:
 * on a shared machine a run lands in a fast or a slow mode, so compare the fast ones).
 *
 * `npm run bench:chain` (`BENCH_NODES=/path/node,…`, `BENCH_SCENARIOS=A,D`: A a GET, D a POST
 * of a 1 KiB JSON body; `BENCH_CHAIN_REQUESTS`, default 300,000; `BENCH_REPS`, default 3).
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CookieJar } from 'tough-cookie';
import { createClient, FerryResponse } from '../src/core/index.js';
import { markReadsRequestParts, type Transport } from '../src/core/kit.js';
import { createMockTransport } from '../src/transports/mock/index.js';
import { kibJson } from './scenarios.js';

const self = fileURLToPath(import.meta.url);

async function measure(scenario: string, requests: number): Promise<string> {
  const body = '{"ok":true}';
  const transport: Transport = markReadsRequestParts({
    name: 'inline',
    capabilities: createMockTransport(() => new Response()).capabilities, // the mock's, without its request log
    send: (request) =>
      Promise.resolve(new FerryResponse(body, { status: 200, headers: { 'content-type': 'application/json' }, url: request.url, request })),
  });
  const client = createClient({ transport, cookies: new CookieJar() });
  const payload = kibJson();
  const one =
    scenario === 'D' ? () => client.post('http://127.0.0.1:1/echo', { json: payload }) : () => client.get('http://127.0.0.1:1/small');
  const batch = async (count: number): Promise<void> => {
    const inflight: Promise<string>[] = [];
    for (let i = 0; i < count; i++) {
      inflight.push(one().then((r) => r.text()));
      if (inflight.length === 50) {
        await Promise.all(inflight);
        inflight.length = 0;
      }
    }
    await Promise.all(inflight);
  };
  await batch(20_000);
  const start = process.cpuUsage();
  await batch(requests);
  const cpu = process.cpuUsage(start);
  return ((cpu.user + cpu.system) / requests).toFixed(2);
}

if (process.argv[2] === 'worker') {
  process.stdout.write(await measure(process.argv[3] as string, Number(process.argv[4])));
} else {
  const list = (v: string | undefined, fallback: string[]): string[] => (v ? v.split(',').filter(Boolean) : fallback);
  const nodes = list(process.env.BENCH_NODES, [process.execPath]);
  const scenarios = list(process.env.BENCH_SCENARIOS, ['A', 'D']);
  const requests = Number(process.env.BENCH_CHAIN_REQUESTS ?? 300_000);
  const reps = Number(process.env.BENCH_REPS ?? 3);
  console.log('| node | scenario | µs CPU per request, each run | fastest |\n|---|---|---|--:|');
  for (const node of nodes) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    for (const scenario of scenarios) {
      const runs: number[] = [];
      for (let i = 0; i < reps; i++) {
        const r = spawnSync(node, ['--import', 'tsx', self, 'worker', scenario, String(requests)], { encoding: 'utf8', timeout: 600_000 });
        if (r.status !== 0) throw new Error(`bench:chain ${scenario} on ${version} failed:\n${r.stderr}`);
        runs.push(Number(r.stdout));
      }
      console.log(`| ${version} | ${scenario} | ${runs.map((x) => x.toFixed(2)).join(', ')} | ${Math.min(...runs).toFixed(2)} |`);
    }
  }
}
