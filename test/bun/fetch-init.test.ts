/**
 * fetch's per-request init fields in a real Bun (issue 8), through
 * dist/transports/bun/index.js: the fields the user set reach Bun's fetch (which ignores most,
 * as it does for its own callers, but closes the connection for `keepalive: false`),
 * `integrity` does not (Bun would not verify it) and ferry verifies it instead.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, ensureDist } from '../conformance/build.js';
import { runScenarios, startEchoServer } from '../conformance/features.js';
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
    const good = `sha256-${createHash('sha256').update(server.asset).digest('base64')}`;
    const bad = `sha256-${createHash('sha256').update('tampered').digest('base64')}`;
    const fields = { credentials: 'include', cache: 'no-store', priority: 'high', referrerPolicy: 'no-referrer', keepalive: true } as const;
    const results = await runScenarios(bun, ['run'], pathToFileURL(join(dist, 'transports/bun/index.js')).href, 'createBunTransport', [
      { label: 'fields', transport: {}, url: `${server.url}/asset`, init: { ...fields, integrity: good }, spy: true },
      { label: 'none', transport: {}, url: `${server.url}/asset`, spy: true },
      { label: 'mismatch', transport: {}, url: `${server.url}/asset`, init: { integrity: bad } },
      { label: 'reuse', transport: {}, url: `${server.url}/echo` },
      { label: 'no keepalive', transport: {}, url: `${server.url}/echo`, init: { keepalive: false } },
    ]);
    const get = (label: string) => {
      const r = results.get(label);
      assert.ok(r, `a result for ${label}`);
      return r;
    };
    assert.equal(get('fields').status, 200, JSON.stringify(get('fields')));
    assert.equal(get('fields').body, server.asset);
    assert.deepEqual(get('fields').seen, [fields], 'every field set, never integrity');
    assert.deepEqual(get('none').seen, [{}], 'nothing set: nothing passed');
    assert.equal(get('mismatch').error?.code, 'ERR_INTEGRITY', JSON.stringify(get('mismatch')));
    assert.equal(get('mismatch').error?.name, 'IntegrityError');
    // keepalive: false reached Bun's fetch, which then asks for no connection reuse.
    assert.equal((JSON.parse(get('reuse').body ?? '{}') as { connection?: string }).connection, 'keep-alive');
    assert.equal((JSON.parse(get('no keepalive').body ?? '{}') as { connection?: string }).connection, undefined);
  },
);
