/**
 * The layers of src/core (docs/architecture.md): each module imports only from its own layer
 * or below, at run time and for types alike; anything may import the type-only bottom
 * (types.ts), which itself imports types only. No runtime import cycle anywhere in src/, and
 * loading the package's modules changes no global.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tsFiles } from '../helpers/source-files.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const core = join(src, 'core');

/** Layer of a module under src/core, bottom first. */
const layers = ['types.ts', 'util', 'message', 'auth', 'options', 'steps', 'chain', 'client'] as const;
const surfaces = ['index.ts', 'kit.ts'];

function layerOf(file: string): number {
  const first = relative(core, file).split('/')[0] as string;
  if (surfaces.includes(first)) return layers.length;
  const i = layers.indexOf(first as (typeof layers)[number]);
  if (i === -1) throw new Error(`${relative(src, file)} is in no layer: put it in one of ${layers.join(', ')}`);
  return i;
}

interface Import {
  readonly target: string;
  readonly typeOnly: boolean;
}

/** Relative static imports and re-exports of a file, comments aside, with whether each is type-only. */
function importsOf(file: string): Import[] {
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:\\'"])\/\/.*$/gm, '$1');
  const out: Import[] = [];
  const re =
    /^\s*(?:import|export)\s+(type\s+)?([\s\S]*?)\s*from\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;
  for (const m of code.matchAll(re)) {
    const spec = (m[3] ?? m[4] ?? m[5]) as string;
    const clause = (m[2] ?? '').trim();
    const list = /^\{([\s\S]*)\}$/.exec(clause);
    const names = list
      ? (list[1] as string)
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : [];
    const typeOnly = Boolean(m[1]) || (names.length > 0 && names.every((n) => n.startsWith('type ')));
    let target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (!existsSync(target) && existsSync(join(target.replace(/\.ts$/, ''), 'index.ts')))
      target = join(target.replace(/\.ts$/, ''), 'index.ts');
    out.push({ target, typeOnly });
  }
  return out;
}

test('src/core: every module imports only from its own layer or below; types.ts imports types only', () => {
  const problems: string[] = [];
  for (const file of tsFiles(core)) {
    const from = layerOf(file);
    const isTypes = relative(core, file) === 'types.ts';
    for (const { target, typeOnly } of importsOf(file)) {
      if (!target.startsWith(core)) {
        problems.push(`${relative(src, file)} imports ${relative(src, target)}, outside core`);
        continue;
      }
      if (isTypes) {
        if (!typeOnly) problems.push(`types.ts imports ${relative(src, target)} at run time (it must stay type-only)`);
        continue;
      }
      if (relative(core, target) === 'types.ts') continue;
      const to = layerOf(target);
      if (to > from)
        problems.push(
          `${relative(src, file)} (${layers[from] ?? 'surface'}) imports ${relative(src, target)} (${layers[to] ?? 'surface'}), a layer above`,
        );
    }
  }
  assert.deepEqual(problems, []);
});

test('src/: no runtime import cycle', () => {
  const files = tsFiles(src);
  const edges = new Map(
    files.map((f) => [
      f,
      importsOf(f)
        .filter((i) => !i.typeOnly && existsSync(i.target))
        .map((i) => i.target),
    ]),
  );
  // Tarjan's strongly connected components.
  let n = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n);
    n++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(relative(src, w));
      } while (w !== v);
      if (component.length > 1) cycles.push(component.join(' → '));
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  assert.deepEqual(cycles, []);
});

test('loading every entry changes no global and no built-in prototype', () => {
  const entries = ['index.node.ts', 'index.core.ts', 'core/kit.ts', 'transports/mock/index.ts', 'sync/index.ts'].map((e) => join(src, e));
  const probe = `
    const seen = () => JSON.stringify([globalThis, Request.prototype, Response.prototype, Headers.prototype, ReadableStream.prototype,
      Object.prototype, Array.prototype, Promise.prototype, AbortSignal.prototype, URL.prototype]
      .map((o) => Reflect.ownKeys(o).map(String).sort()));
    const before = seen();
    for (const e of ${JSON.stringify(entries)}) await import(e);
    process.stdout.write(before === seen() ? 'same' : 'changed');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'same');
});
