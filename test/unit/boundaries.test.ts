/**
 * Module boundaries (STYLE §1): src/core is web-standard only. It imports no node:*, undici,
 * ws or socks, no transport, and names no Buffer, process, Deno, Bun, window or document
 * (comments and string literals aside). The Bun and Deno transports never import the Node
 * transport or undici; no transport imports another.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tsFiles } from '../helpers/source-files.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** The code without comments. */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\'"])\/\/.*$/gm, '$1');
}

/** Every module specifier a file imports or re-exports (static and dynamic), comments aside. */
export function specifiers(source: string): string[] {
  const code = withoutComments(source);
  const out: string[] = [];
  const re = /\b(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(re)) out.push((m[1] ?? m[2]) as string);
  return out;
}

/** The code without comments and string/template literal contents. */
export function codeOnly(code: string): string {
  return withoutComments(code).replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

const forbiddenModule = (spec: string): boolean =>
  spec.startsWith('node:') ||
  /^(undici|ws|socks)(\/|$)/.test(spec) ||
  ['fs', 'path', 'net', 'tls', 'http', 'https', 'zlib', 'stream', 'buffer'].includes(spec);
const forbiddenGlobals = ['Buffer', 'process', 'Deno', 'Bun', 'window', 'document', 'require'];

test('src/core imports no node:*, undici, ws, socks or transport', () => {
  const problems: string[] = [];
  for (const file of tsFiles(join(src, 'core'))) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const intoTransports = spec.startsWith('.') && relative(src, resolve(file, '..', spec)).startsWith('transports');
      if (forbiddenModule(spec) || intoTransports) problems.push(`${relative(src, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('src/core imports tough-cookie for its types only (the Node, Deno and Bun entries inject the jar factory)', () => {
  const problems: string[] = [];
  const re = /\b(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]tough-cookie(?:\/[^'"]*)?['"]|\bimport\(\s*['"]tough-cookie/g;
  for (const file of tsFiles(join(src, 'core'))) {
    for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(re)) if (!m[1]) problems.push(`${relative(src, file)}: ${m[0]}`);
  }
  assert.deepEqual(problems, []);
});

test('src/core names no Buffer, process, Deno, Bun, window, document or require', () => {
  const problems: string[] = [];
  for (const file of tsFiles(join(src, 'core'))) {
    const code = codeOnly(readFileSync(file, 'utf8'));
    for (const name of forbiddenGlobals) {
      // an identifier, not a property (`.process`) or an object key (`process:`)
      if (new RegExp(`(?<![.\\w$])${name}(?![\\w$])(?!\\s*:)`).test(code)) problems.push(`${relative(src, file)} names ${name}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('transports import core through its two surfaces only (core/index, core/kit), and never each other; deno/bun/browser import no undici, ws, socks or node:*', () => {
  const problems: string[] = [];
  for (const file of tsFiles(join(src, 'transports'))) {
    const own = relative(join(src, 'transports'), file).split('/')[0] as string;
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        if (own !== 'node' && forbiddenModule(spec)) problems.push(`${relative(src, file)} imports ${spec}`);
        continue;
      }
      const target = relative(src, resolve(file, '..', spec));
      if (target.startsWith('core/') && target !== 'core/index.js' && target !== 'core/kit.js')
        problems.push(`${relative(src, file)} reaches into ${target}`);
      if (target.startsWith('transports/') && target.split('/')[1] !== own) problems.push(`${relative(src, file)} imports ${target}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the Deno and Bun entries never reach the Node transport', () => {
  for (const entry of ['index.deno.ts', 'index.bun.ts', 'index.ts']) {
    const specs = specifiers(readFileSync(join(src, entry), 'utf8'));
    assert.ok(!specs.some((s) => s.includes('transports/node')), `${entry}: ${specs.join(', ')}`);
  }
});

test('the helpers see through comments and strings', () => {
  assert.deepEqual(
    specifiers("/** import 'ws' */\nimport { a } from './a.js';\nexport * from 'node:fs';\nconst m = await import('undici');"),
    ['./a.js', 'node:fs', 'undici'],
  );
  assert.equal(codeOnly("// process\nconst s = 'Buffer'; /* window */ x").replace(/\s+/g, ' '), " const s = ''; x");
});
