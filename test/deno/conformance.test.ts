/**
 * The conformance suite on Deno, loading the built Deno entry (`dist/index.deno.js`), and
 * Deno's own resolution of the package's exports (`deno` condition) via the package self-name.
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

test('conformance on Deno (dist/index.deno.js)', async (t) => {
  const deno = requireRuntime(t, 'deno');
  if (!deno) return;
  const allow = ['--allow-net=127.0.0.1', `--allow-read=${dist},${harness}`, '--allow-env', '--no-prompt'];
  const outcome = await runHarness(deno, ['run', ...allow, harness], {
    entry: pathToFileURL(join(dist, 'index.deno.js')).href,
    baseURL: servers.baseURL,
    otherURL: servers.otherURL,
    closedURL: servers.closedURL,
    runtime: 'deno',
    zstd: false,
  });
  await reportOutcome(t, outcome, 'deno');
});
