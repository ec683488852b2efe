/**
 * The conformance suite on Bun, loading the built Bun entry (`dist/index.bun.js`).
 */
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleHarness, dist, ensureDist } from '../conformance/build.js';
import { reportOutcome, requireRuntime, runHarness } from '../conformance/host.js';
import { type ConformanceServers, startConformanceServers } from '../conformance/server.js';

let servers: ConformanceServers;
let harness: string;
before(async () => {
  await ensureDist();
  harness = await bundleHarness();
  servers = await startConformanceServers();
});
after(() => servers?.close());

test('conformance on Bun (dist/index.bun.js)', async (t) => {
  const bun = requireRuntime(t, 'bun');
  if (!bun) return;
  const outcome = await runHarness(bun, ['run', harness], {
    entry: pathToFileURL(join(dist, 'index.bun.js')).href,
    baseURL: servers.baseURL,
    otherURL: servers.otherURL,
    closedURL: servers.closedURL,
    runtime: 'bun',
    zstd: true,
  });
  await reportOutcome(t, outcome, 'bun');
});
