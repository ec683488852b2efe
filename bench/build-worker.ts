/**
 * Bundles bench/worker.ts (with ferry's sources, as a build would) into one ESM file, so each
 * worker process starts without a TypeScript loader, alike on every Node version. Packages
 * (undici, got, axios …) stay external and load from node_modules.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Builds the worker bundle and returns its path: under node_modules/.cache/ferry-bench/, where
 * its bare imports resolve to the project's node_modules and no linter or test runner looks.
 */
export async function buildWorker(root: string): Promise<string> {
  const dir = join(root, 'node_modules/.cache/ferry-bench');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `worker-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'bench/worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}
