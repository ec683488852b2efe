/**
 * The conformance suite on Node 22 and Node 24 (runtimes/), loading the built package entry
 * `dist/index.node.js` with plain Node (no tsx): the node entry must work from dist.
 */

import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { bundleHarness, dist, ensureDist } from './build.js';
import { reportOutcome, requireRuntime, runHarness } from './host.js';
import { type ConformanceServers, startConformanceServers } from './server.js';

let servers: ConformanceServers;
let harness: string;
before(async () => {
  await ensureDist();
  harness = await bundleHarness();
  servers = await startConformanceServers();
});
after(() => servers?.close());

for (const runtime of ['node22', 'node24'] as const) {
  test(`conformance on ${runtime} (dist/index.node.js)`, async (t) => {
    const node = requireRuntime(t, runtime);
    if (!node) return;
    const outcome = await runHarness(node, [harness], {
      entry: pathToFileURL(join(dist, 'index.node.js')).href,
      baseURL: servers.baseURL,
      otherURL: servers.otherURL,
      closedURL: servers.closedURL,
      runtime,
      zstd: true,
    });
    await reportOutcome(t, outcome, 'node');
  });
}
