#!/usr/bin/env node
// The root package's `prepare` script: installs runtimes/ (Deno, Bun, Node 22 and Node 24, which
// the conformance, mock-runtime and package tests run on), so a plain `npm install` sets up
// everything `npm test` runs. runtimes/ is a package of its own so that its `node` binary never
// shadows the machine's Node in npm scripts (see runtimes/package.json).
//
// npm runs `prepare` after `npm install` (and `npm ci`) in this directory, never for a package
// installed from the registry; it also runs it before `npm pack` and `npm publish`, which need
// no runtimes: then this does nothing (test/package/pack-install.test.ts runs `npm pack`).
// When runtimes/ is installed at its locked versions it only reads a few files (no npm at all).
// Usage by hand: node scripts/install-runtimes.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../runtimes/', import.meta.url));

if (process.env.npm_command === 'pack' || process.env.npm_command === 'publish') process.exit(0);
if (process.env.npm_config_dry_run === 'true') process.exit(0); // npm runs prepare even for --dry-run

const readJson = (file) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

/** Whether runtimes/node_modules holds what runtimes/package-lock.json locks, binaries included. */
function upToDate() {
  const wanted = readJson('package.json').dependencies ?? {};
  const lock = readJson('package-lock.json');
  // A dependency added or changed in package.json but not yet in the lock: npm must update it.
  if (JSON.stringify(lock.packages['']?.dependencies ?? {}) !== JSON.stringify(wanted)) return false;
  for (const name of Object.keys(wanted)) {
    try {
      if (readJson(`node_modules/${name}/package.json`).version !== lock.packages[`node_modules/${name}`]?.version) return false;
    } catch {
      return false;
    }
  }
  // The binaries the tests run (test/conformance/host.ts), made by the packages' install scripts.
  const bins = ['.bin/deno', '.bin/bun', 'node22/bin/node', 'node24/bin/node'];
  return bins.every((bin) => existsSync(join(dir, 'node_modules', bin)));
}

if (upToDate()) process.exit(0);

console.log('Installing runtimes/ (Deno, Bun, Node 22 and 24 for the tests): npm install --prefix runtimes');
// The npm running this script (npm_execpath), else the one on PATH. `--prefix` on the command
// line: the outer npm's npm_config_* environment reaches this npm too, and must not pick the directory.
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const result = spawnSync(npm[0], [...npm.slice(1), 'install', '--prefix', dir, '--no-audit', '--no-fund'], {
  stdio: 'inherit',
  shell: npm.length === 1 && process.platform === 'win32',
});
if (result.status !== 0) {
  console.error('Installing runtimes/ failed; retry with: npm install --prefix runtimes');
  process.exit(result.status ?? 1);
}
