/**
 * The browser bundle: dist/index.js (the `browser` and `default` condition) and
 * dist/transports/browser/index.js reach no node:*, Node builtin, undici, ws or socks code,
 * and bundle for the browser (esbuild, platform browser) without any Node polyfill. The Deno
 * and Bun entries reach none of it either. tough-cookie is in a browser bundle only when the
 * user's own code makes a jar: the browser entry and ferry/core never import it (the Node,
 * Deno and Bun entries do, to make their default jar).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
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

/** A browser bundle of `contents` (resolved from dist/), as a user's bundler would make it. */
async function bundle(contents: string, minify = false): Promise<{ text: string; brotli: number }> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents, resolveDir: dist },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  assert.ok(out, 'esbuild wrote the bundle');
  return { text: out.text, brotli: brotliCompressSync(out.contents).length };
}

// Error messages from tough-cookie's own source: they survive minification.
const toughCookieMarkers = ['Cookie has domain set to a public suffix', 'CookieJar store is not synchronous'];

test('dist/index.js bundles for the browser without Node polyfills', async () => {
  const { text } = await bundle("export { createClient, fetch } from './index.js';");
  assert.ok(text.includes('browser'), 'the browser transport is in the bundle');
  assert.ok(!text.includes('undici'), 'no undici');
});

test("tough-cookie reaches the browser bundle only with a jar of the user's own", async () => {
  for (const entry of ['index.js', 'index.core.js', 'transports/browser/index.js']) {
    const { bare } = graph(join(dist, entry));
    assert.ok(!bare.has('tough-cookie'), `dist/${entry} imports tough-cookie`);
  }
  // The runtime entries that default to a jar do import it.
  for (const entry of ['index.node.js', 'index.deno.js', 'index.bun.js'])
    assert.ok(graph(join(dist, entry)).bare.has('tough-cookie'), entry);

  const plain = await bundle("export { createClient, fetch } from './index.js';", true);
  const core = await bundle("export { createClient } from './index.core.js';", true);
  const withJar = await bundle("export { createClient, fetch } from './index.js'; export { CookieJar } from 'tough-cookie';", true);
  for (const marker of toughCookieMarkers) {
    assert.ok(withJar.text.includes(marker), `the marker '${marker}' is still in tough-cookie (else this test proves nothing)`);
    assert.ok(!plain.text.includes(marker), `the browser entry carries tough-cookie ('${marker}')`);
    assert.ok(!core.text.includes(marker), `ferry/core carries tough-cookie ('${marker}')`);
  }
  // tough-cookie (with its public suffix list) is about 49 kB brotli; ferry without it about 24 kB.
  assert.ok(withJar.brotli - plain.brotli > 30_000, `tough-cookie adds ${withJar.brotli - plain.brotli} bytes`);
  assert.ok(plain.brotli < withJar.brotli / 2, `browser entry ${plain.brotli} bytes vs ${withJar.brotli} with a jar`);
});
