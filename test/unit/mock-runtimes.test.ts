/**
 * The mock transport is platform-neutral: the same msw-backed script runs under Deno and Bun
 * (from runtimes/, installed by .ci/run). A missing runtime fails under CI, skips elsewhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runtimes: Record<string, string[]> = {
  deno: ['run', '-A', '--unstable-sloppy-imports'],
  bun: [],
};

const script = `
import { createClient } from '../src/core/index.ts';
import { createMockTransport } from '../src/transports/mock/index.ts';
import { http, HttpResponse } from 'msw';
const transport = createMockTransport([
  http.post('https://api.example.com/u/:id', async ({ params, request }) => HttpResponse.json({ id: params.id, got: await request.text() })),
]);
const client = createClient({ transport });
const res = await client.post('https://api.example.com/u/5', { body: 'hi', headers: { 'x-a': '1' } });
console.log(JSON.stringify(await res.json()), transport.requests.length, transport.requests[0]?.headers.get('x-a'));
await client.get('https://api.example.com/nope').catch((e) => console.log(e.code));
// msw's ws module opens a BroadcastChannel at import, which keeps Deno's event loop alive.
globalThis.process?.exit(0);
`;

describe('mock transport in other runtimes', { concurrency: 2 }, () => {
  for (const [name, args] of Object.entries(runtimes)) {
    test(name, (t) => {
      const bin = join(root, 'runtimes/node_modules/.bin', name);
      if (!existsSync(bin)) {
        const reason = `${name} is not installed in runtimes/ (npm install: its prepare script installs runtimes/)`;
        if (process.env.CI) throw new Error(`required runtime missing under CI: ${reason}`);
        console.log(`# skipping: ${reason}`);
        t.skip(reason);
        return;
      }
      // The script sits in the repo (a temp dir inside it) so 'msw' resolves from node_modules.
      const dir = mkdtempSync(join(root, `.mock-${name}-`));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'main.ts');
      writeFileSync(file, script.replaceAll("'../src/", `'${join(root, 'src')}/`));
      const out = spawnSync(bin, [...args, file], { cwd: root, encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(out.status, 0, `${name}: ${out.stderr}`);
      assert.equal(out.stdout, '{"id":"5","got":"hi"} 1 1\nERR_MOCK_UNHANDLED\n');
    });
  }
});
