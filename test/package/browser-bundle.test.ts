/**
 * The browser bundle: dist/index.js (the `browser` and `default` condition) and
 * dist/transports/browser/index.js reach no node:*, Node builtin, undici, ws or socks code,
 * and bundle for the browser (esbuild, platform browser) without any Node polyfill. The Deno
 * and Bun entries reach none of it either.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { dist, ensureDist } from '../conformance/build.js';

/** Files statically reachable from `entry` and the bare specifiers they import. */
function graph(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(
      /\b(?:import|export)\s*(?:[\w*{}\s,$]*?\sfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g,
    )) {
      const spec = (m[1] ?? m[2]) as string;
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else bare.add(spec);
    }
  };
  visit(entry);
  return { files, bare };
}

const nodeOnly = (spec: string): boolean =>
  spec.startsWith('node:') ||
  /^(undici|ws|socks)(\/|$)/.test(spec) ||
  /^(fs|path|net|tls|http|https|http2|zlib|stream|buffer|dns|os|crypto|child_process|worker_threads)(\/|$)/.test(spec);

before(() => ensureDist());

// The Deno and Bun entries too: Bun resolves a bare 'undici' to a stub, so neither may reach it.
for (const entry of [
  'index.js',
  'transports/browser/index.js',
  'index.deno.js',
  'transports/deno/index.js',
  'index.bun.js',
  'transports/bun/index.js',
]) {
  test(`dist/${entry} reaches no node:*, undici, ws or socks code`, () => {
    const { files, bare } = graph(join(dist, entry));
    assert.ok(files.size > 1, 'the entry imports its chunks');
    assert.deepEqual([...bare].filter(nodeOnly), []);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      assert.ok(!/\bfrom\s*["']undici["']|require\(["']undici["']\)|\bBuffer\.from\(/.test(code), `${file} carries Node code`);
    }
  });
}

test('dist/index.js bundles for the browser without Node polyfills', async () => {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: "export { createClient, fetch } from './index.js';", resolveDir: dist },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // tough-cookie is the package's dependency, resolved by the user's bundler.
    external: ['tough-cookie'],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text ?? '';
  assert.ok(text.includes('browser'), 'the browser transport is in the bundle');
  assert.ok(!text.includes('undici'), 'no undici');
});
