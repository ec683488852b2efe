#!/usr/bin/env node
// Builds dist/ (tsup, every entry) unless it was built from the current sources:
// dist/.build-hash records a hash of what the build reads. The package checks
// (`npm run check:package`) and the tests that load dist/ share one build this way, and
// parallel test files share it through a lock directory.
// Usage: node scripts/dist.mjs   (or import { ensureDist } from it)
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const root = fileURLToPath(new URL('../', import.meta.url));
/** dist/ of the repository. */
export const dist = join(root, 'dist');

function files(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** A hash of everything the build reads. */
export function sourceHash() {
  const h = createHash('sha256');
  for (const f of [...files(join(root, 'src'), []), join(root, 'tsup.config.ts'), join(root, 'package.json')]) {
    h.update(f);
    h.update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

function built(hash) {
  const marker = join(dist, '.build-hash');
  return existsSync(marker) && readFileSync(marker, 'utf8') === hash;
}

const lockDir = join(tmpdir(), `ferry-build-${createHash('sha256').update(root).digest('hex').slice(0, 8)}.lock`);

async function withLock(fn) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 240_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {}
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lockDir}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds dist/ unless it was built from the current sources. */
export async function ensureDist() {
  const hash = sourceHash();
  if (built(hash)) return;
  await withLock(async () => {
    if (built(hash)) return;
    await run(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    writeFileSync(join(dist, '.build-hash'), hash);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureDist();
