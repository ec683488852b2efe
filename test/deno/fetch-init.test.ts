/**
 * fetch's per-request init fields in a real Deno (issue 8), through
 * dist/transports/deno/index.js: the fields the user set reach Deno's fetch (which ignores
 * them, as it does for its own callers), `integrity` does not (Deno would not verify it) and
 * ferry verifies it instead.
 */
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, ensureDist } from '../conformance/build.js';
import { checkFetchInit, fetchInitScenarios, runScenarios, startEchoServer } from '../conformance/features.js';
import { requireRuntime } from '../conformance/host.js';

test('deno transport: fetch init fields reach Deno’s fetch; integrity is verified by ferry', { timeout: 180_000 }, async (t) => {
  const deno = requireRuntime(t, 'deno');
  if (!deno) return;
  await ensureDist();
  const server = await startEchoServer();
  t.after(() => server.close());
  const results = await runScenarios(
    deno,
    ['run', '--allow-net', '--allow-read', '--allow-env', '--no-prompt'],
    pathToFileURL(join(dist, 'transports/deno/index.js')).href,
    'createDenoTransport',
    fetchInitScenarios(server),
  );
  checkFetchInit(results, server.asset);
});
