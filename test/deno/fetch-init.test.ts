/**
 * fetch's per-request init fields in a real Deno (issue 8), through
 * dist/transports/deno/index.js: the fields the user set reach Deno's fetch (which ignores
 * them, as it does for its own callers), `integrity` does not (Deno would not verify it) and
 * ferry verifies it instead.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { dist, ensureDist } from '../conformance/build.js';
import { runScenarios, startEchoServer } from '../conformance/features.js';
import { requireRuntime } from '../conformance/host.js';

test('deno transport: fetch init fields reach Deno’s fetch; integrity is verified by ferry', { timeout: 180_000 }, async (t) => {
  const deno = requireRuntime(t, 'deno');
  if (!deno) return;
  await ensureDist();
  const server = await startEchoServer();
  t.after(() => server.close());
  const good = `sha256-${createHash('sha256').update(server.asset).digest('base64')}`;
  const bad = `sha256-${createHash('sha256').update('tampered').digest('base64')}`;
  const fields = { credentials: 'include', cache: 'no-store', priority: 'high', referrerPolicy: 'no-referrer', keepalive: true } as const;
  const results = await runScenarios(
    deno,
    ['run', '--allow-net', '--allow-read', '--allow-env', '--no-prompt'],
    pathToFileURL(join(dist, 'transports/deno/index.js')).href,
    'createDenoTransport',
    [
      { label: 'fields', transport: {}, url: `${server.url}/asset`, init: { ...fields, integrity: good }, spy: true },
      { label: 'none', transport: {}, url: `${server.url}/asset`, spy: true },
      { label: 'mismatch', transport: {}, url: `${server.url}/asset`, init: { integrity: bad } },
    ],
  );
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
});
