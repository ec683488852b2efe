/**
 * Builds what the cross-runtime tests load, once per source state: `dist/` (scripts/dist.mjs:
 * tsup, all entries, skipped when `dist/.build-hash` matches the sources) and the conformance
 * harness bundle.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain ES module script without types
import * as distScript from '../../scripts/dist.mjs';

const script = distScript as { root: string; dist: string; ensureDist(): Promise<void> };
/** The repository root. */
export const root: string = script.root;
/** `dist/` of the repository. */
export const dist: string = script.dist;
/** Builds `dist/` unless it was built from the current sources. */
export const ensureDist: () => Promise<void> = script.ensureDist;

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
