/**
 * Runs every file in examples/ as its own process (`node --import tsx examples/X.ts`), as a
 * user would, and checks it exits 0 by itself and prints what it claims to do.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examplesDir = join(root, 'examples');

/** What each example must print (every pattern must match its stdout). */
const expectations: Record<string, RegExp[]> = {
  'quickstart.ts': [
    /^200 \{ page: 2, users: \[ \{ id: 1, name: 'Grace' \} \], agent: 'quickstart' \}$/m,
    /^201 \{ id: 2, name: 'Ada' \}$/m,
    /^404 false$/m,
  ],
  'custom-fetch-sdk.ts': [
    /<- 503 http:\/\/127\.0\.0\.1:\d+\/todos/,
    /<- 200 http:\/\/127\.0\.0\.1:\d+\/todos/,
    /todos: \[ \{ id: 1, title: 'ship it' \} \]/,
    /the server saw 2 requests/,
  ],
  'mock-transport.ts': [/^(# |ℹ )pass 4$/m, /^(# |ℹ )fail 0$/m], // TAP on Node 20, the spec reporter on later Nodes
  'plain-fetch-vs-ferry.ts': [
    /^fetch: \{ url: '\/api\/items\?page=2', items: \[ 'a', 'b' \] \}$/m,
    /^ferry: \{ url: '\/api\/items\?page=2', items: \[ 'a', 'b' \] \}$/m,
    /answered 4 requests/,
  ],
  'session-cookies-redirects.ts': [
    /^200 dashboard for a logged-in user$/m,
    /^cookies: sid=abc123$/m,
    /^\[ '301 \/old', '302 \/older' \] → \/dashboard$/m,
    /^browser: 200 GET \/done$/m,
    /^strict: 302 \/done$/m,
    /^manual: 301 \/older$/m,
  ],
  'oauth2-client-credentials.ts': [
    /^\{ path: '\/reports\/daily', ok: true \}$/m,
    /^\{ path: '\/reports\/weekly', ok: true \}$/m,
    /^token scope: reports:read$/m,
    /^\{ path: '\/reports\/monthly', ok: true \}$/m,
    /^tokens issued: 2$/m,
    /^refused: ERR_AUTH invalid_client$/m,
  ],
  'websocket.ts': [/^received: welcome, sid=s-42\nreceived: HELLO$/m, /^refused: ERR_WEBSOCKET 403$/m],
  'proxy.ts': [
    /^origin got GET \/catalog\?page=1; proxy-authorization seen by origin: none$/m,
    /'GET http:\/\/127\.0\.0\.1:\d+\/catalog\?page=1',\n\s+'GET http:\/\/127\.0\.0\.1:\d+\/reports\/q3'\n\]/,
    /^without credentials: ERR_PROXY 407$/m,
  ],
  'unix-socket.ts': [
    /url: '\/v1\.43\/containers\/json\?all=true',\n\s+host: 'docker\.local'/,
    /\{ method: 'POST', url: '\/jobs', host: 'api\.local' \}/,
  ],
  'sync-client.ts': [/^200 \{ url: '\/config\?env=prod', retries: 3, features: \[ 'sync' \] \}$/m, /^200 \[ 301 \] \/config$/m],
  'digest-auth.ts': [
    /^200 hello ada, you asked for \/reports\?year=2024 \(algorithm SHA-256, nc 00000001\)$/m,
    /^200 hello ada, you asked for \/reports\/2025 \(algorithm SHA-256, nc 00000002\)$/m,
    /^wrong password: 401$/m,
    /^statuses on the wire: 401 200 200$/m,
  ],
  'streaming-progress.ts': [
    /^upload: 1048576 \/ unknown bytes$/m,
    /server says: \{ received: 1048576, chunked: true \}/,
    /^download: 1048576 \/ 1048576 bytes$/m,
    /^downloaded 1048576 bytes$/m,
  ],
};

// A child inheriting NODE_TEST_CONTEXT would report to this runner instead of printing TAP.
const { NODE_TEST_CONTEXT: _ctx, ...inherited } = process.env;
const childEnv = { ...inherited, NODE_OPTIONS: '' };

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(examplesDir, file)], {
      cwd: root,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const files = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

test('every example has expectations here, and every expectation an example', () => {
  assert.deepEqual(files, Object.keys(expectations).sort());
});

describe('examples run on their own and exit 0', { concurrency: 2 }, () => {
  for (const file of files) {
    test(file, async () => {
      const { code, stdout, stderr } = await run(file);
      assert.equal(code, 0, `${file} exited with ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
      for (const pattern of expectations[file] ?? []) assert.match(stdout, pattern, `${file} output`);
    });
  }
});
