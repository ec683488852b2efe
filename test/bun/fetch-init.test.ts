/**
 * fetch's per-request init fields in a real Bun (issue 8), through
 * dist/transports/bun/index.js: the fields the user set reach Bun's fetch (which ignores most,
 * as it does for its own callers, but closes the connection for `keepalive: false`),
 * `integrity` does not (Bun would not verify it) and ferry verifies it instead.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, ensureDist } from '../conformance/build.js';
import { checkFetchInit, fetchInitScenarios, runScenarios, startEchoServer } from '../conformance/features.js';
import { requireRuntime } from '../conformance/host.js';

test(
  'bun transport: fetch init fields reach Bun’s fetch (keepalive: false closes); integrity is verified by ferry',
  { timeout: 180_000 },
  async (t) => {
    const bun = requireRuntime(t, 'bun');
    if (!bun) return;
    await ensureDist();
    const server = await startEchoServer();
    t.after(() => server.close());
    const results = await runScenarios(bun, ['run'], pathToFileURL(join(dist, 'transports/bun/index.js')).href, 'createBunTransport', [
      ...fetchInitScenarios(server),
      { label: 'reuse', transport: {}, url: `${server.url}/echo` },
      { label: 'no keepalive', transport: {}, url: `${server.url}/echo`, init: { keepalive: false } },
    ]);
    const get = checkFetchInit(results, server.asset);
    // keepalive: false reached Bun's fetch, which then asks for no connection reuse.
    assert.equal((JSON.parse(get('reuse').body ?? '{}') as { connection?: string }).connection, 'keep-alive');
    assert.equal((JSON.parse(get('no keepalive').body ?? '{}') as { connection?: string }).connection, undefined);
  },
);
