import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createTestServer } from '../helpers/server.js';

test('a response dropped unread releases its connection when garbage-collected', async (t) => {
  const body = Buffer.alloc(1024 * 1024, 1);
  const server = await createTestServer(t, (_q, res) => res.end(body));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/fixtures/gc-release.ts', `${server.url}/big`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill(), 60_000);
  const code = await new Promise((r) => child.on('exit', r));
  clearTimeout(timer);
  assert.equal(code, 0, out);
  assert.match(out, /released 5/);
});
