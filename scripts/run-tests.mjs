#!/usr/bin/env node
// Runs node:test over test files (Node 20's --test does not expand globs).
// Usage: node scripts/run-tests.mjs [--differential] [dir-or-file ...]   (default: test/)
// --differential: every client gets one more user middleware, a pass-through (see
// test/differential/register.mjs); the suite must give the same results as without it.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(path, out) {
  const st = statSync(path);
  if (st.isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const name of readdirSync(path).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    collect(join(path, name), out);
  }
  return out;
}

const args = process.argv.slice(2);
const differential = args.includes('--differential');
const roots = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--') && a !== '--differential');
if (differential) flags.unshift('--import', './test/differential/register.mjs');
const files = (roots.length ? roots : ['test']).flatMap((r) => collect(r, []));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...flags, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
