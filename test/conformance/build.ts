/**
 * Builds what the cross-runtime tests load, once per source state: `dist/` (tsup, all entries)
 * and the conformance harness bundle. Parallel test files share one build through a lock
 * directory; `dist/.build-hash` records the sources it was built from, so a second test file
 * (or a second run with unchanged sources) does not build again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const root: string = fileURLToPath(new URL('../../', import.meta.url));
/** `dist/` of the repository. */
export const dist: string = join(root, 'dist');

function files(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** A hash of everything the build reads. */
export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of [...files(join(root, 'src'), []), join(root, 'tsup.config.ts'), join(root, 'package.json')]) {
    h.update(f);
    h.update(readFileSync(f));
  }
  return h.digest('hex').slice(0, 16);
}

function built(hash: string): boolean {
  const marker = join(dist, '.build-hash');
  return existsSync(marker) && readFileSync(marker, 'utf8') === hash;
}

const lockDir = join(tmpdir(), `ferry-build-${createHash('sha256').update(root).digest('hex').slice(0, 8)}.lock`);

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
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

/** Builds `dist/` unless it was built from the current sources. */
export async function ensureDist(): Promise<void> {
  const hash = sourceHash();
  if (built(hash)) return;
  await withLock(async () => {
    if (built(hash)) return;
    await run(process.execPath, [join(root, 'node_modules/tsup/dist/cli-default.js')], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    writeFileSync(join(dist, '.build-hash'), hash);
  });
}

/**
 * Bundles test/conformance/main.ts (the suite plus a runtime-neutral harness) into one ES
 * module in a fresh temp dir; returns its path.
 */
export async function bundleHarness(): Promise<string> {
  const { build } = await import('esbuild');
  // Inside the repository, so Deno resolves dist's bare imports (tough-cookie) via package.json.
  const dir = join(root, '.tmp', `harness-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'harness.js');
  await build({
    entryPoints: [join(root, 'test/conformance/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
