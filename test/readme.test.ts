/**
 * Checks every snippet and reference table in README.md against the code. Each ```ts block and
 * each checked table is preceded by a marker:
 *   <!-- check: region examples/X.ts#name -->  the block is the `// name:begin … name:end` region of that example
 *   <!-- check: run -->                        the block is a program: type-checked, run, `// → line` is its output
 *   <!-- check: options client|request|node --> every row's example type-checks and runs; every option is listed
 *   <!-- check: capabilities -->               the table says what each transport's `capabilities` say
 *   <!-- check: errors -->                     the tree lists every error class with its code
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Transport } from '../src/core/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Checked {
  readonly kind: string;
  readonly arg: string;
  readonly lines: string[];
  readonly line: number;
}

function parseReadme(): { checked: Checked[]; unchecked: number[] } {
  const lines = readme.split('\n');
  const checked: Checked[] = [];
  const unchecked: number[] = [];
  let marker: { kind: string; arg: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = /^<!-- check: (\w+)\s*(.*?) -->$/.exec(line);
    if (m) {
      marker = { kind: m[1] as string, arg: m[2] as string };
      continue;
    }
    if (line.startsWith('```') && line.length > 3) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] as string);
      if (marker) checked.push({ ...marker, lines: body, line: start + 1 });
      else if (/^```(ts|typescript|js)$/.test(line)) unchecked.push(start + 1);
      marker = null;
      continue;
    }
    if (line.startsWith('|') && marker) {
      const start = i;
      const body: string[] = [];
      for (; i < lines.length && (lines[i] as string).startsWith('|'); i++) body.push(lines[i] as string);
      checked.push({ ...marker, lines: body, line: start + 1 });
      marker = null;
      continue;
    }
    if (line.trim() !== '' && marker) marker = null;
  }
  return { checked, unchecked };
}

const { checked, unchecked } = parseReadme();

// Snippets import the package by name; inside the repo those names are the sources.
const packageModules: Record<string, string> = {
  ferry: 'src/index.node.ts',
  'ferry/node': 'src/transports/node/index.ts',
  'ferry/mock': 'src/transports/mock/index.ts',
  'ferry/core': 'src/index.core.ts',
  'ferry/transport': 'src/core/kit.ts',
  'ferry/browser': 'src/transports/browser/index.ts',
  'ferry/sync': 'src/sync/index.ts',
  'ferry/deno': 'src/transports/deno/index.ts',
  'ferry/bun': 'src/transports/bun/index.ts',
};

const work = mkdtempSync(join(tmpdir(), 'ferry-readme-'));
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
writeFileSync(join(work, 'package.json'), '{ "type": "module" }\n');
after(() => rmSync(work, { recursive: true, force: true }));

function rewriteImports(source: string): string {
  return source.replace(/from '(ferry(?:\/\w+)?)'/g, (whole, name: string) => {
    const target = packageModules[name];
    if (!target) return whole;
    return `from '${relative(work, join(root, target)).replace(/\.ts$/, '.js')}'`;
  });
}

function cells(row: string): string[] {
  return row
    .slice(1, row.endsWith('|') ? -1 : undefined)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

function rows(table: Checked): string[][] {
  return table.lines.slice(2).map(cells);
}

function code(cell: string): string {
  const m = /^`(.*)`/.exec(cell);
  return m ? (m[1] as string) : cell;
}

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
    const child = spawn(process.execPath, args, { cwd, env: { ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout, stderr });
    });
  });
}

// ---- the programs: one file per run block and per options table ----

interface Program {
  readonly name: string;
  readonly source: string;
  readonly expected: string[];
}

const programs: Program[] = [];
for (const [n, block] of checked.entries()) {
  if (block.kind !== 'run') continue;
  const source = block.lines.join('\n');
  const expected = block.lines.filter((l) => /^\s*\/\/ → /.test(l)).map((l) => l.replace(/^\s*\/\/ → /, ''));
  programs.push({ name: `run-${n}-line-${block.line}`, source: rewriteImports(source), expected });
}

const factories: Record<string, string> = { deno: 'createDenoTransport', bun: 'createBunTransport' };

function optionsProgram(block: Checked): Program {
  const body: string[] = [];
  for (const [name, , , example] of rows(block)) {
    const ex = code(example ?? '');
    const key = code(name ?? '').split(' ')[0];
    if (block.arg === 'client') body.push(`clients.push(createClient(${key === 'transport' ? `{ ${ex} }` : `{ transport, ${ex} }`}));`);
    else if (block.arg === 'request')
      body.push(`await client.fetch('https://api.example.com/x', { ${key === 'method' ? '' : "method: 'POST', "}${ex} });`);
    else if (block.arg === 'node') body.push(`await createNodeTransport({ ${ex} }).close();`);
    else if (block.arg === 'mock') body.push(`await createMockTransport([], { ${ex} }).close?.();`);
    else if (block.arg === 'browser') body.push(`createBrowserTransport({ ${ex} });`);
    // Deno's and Bun's transports need their runtime (Deno.createHttpClient …): options are type-checked only.
    else body.push(`void (() => ${factories[block.arg] ?? 'missing'}({ ${ex} }));`);
  }
  const source = [
    "import { Agent, buildConnector } from 'undici';",
    "import { CookieJar } from 'tough-cookie';",
    "import { basicAuth, createClient, type Client } from 'ferry';",
    "import { createNodeTransport } from 'ferry/node';",
    "import { createMockTransport } from 'ferry/mock';",
    "import { createBrowserTransport } from 'ferry/browser';",
    "import { createDenoTransport, type DenoHttpClient } from 'ferry/deno';",
    "import { createBunTransport } from 'ferry/bun';",
    'const myHttpClient = { close() {} } as unknown as DenoHttpClient;',
    'void createBrowserTransport; void createDenoTransport; void createBunTransport; void myHttpClient;',
    "const transport = createMockTransport(() => new Response('ok'));",
    'const client = createClient({ transport });',
    'const clients: Client[] = [];',
    'void Agent; void buildConnector; void CookieJar; void basicAuth; void createNodeTransport; void client; void clients;',
    ...body,
    "console.log('ok', clients.length);",
  ].join('\n');
  return { name: `options-${block.arg}`, source: rewriteImports(source), expected: [] };
}
for (const block of checked) if (block.kind === 'options') programs.push(optionsProgram(block));

for (const p of programs) writeFileSync(join(work, `${p.name}.ts`), `${p.source}\nexport {};\n`);

test('every ts block in README.md carries a check marker', () => {
  assert.deepEqual(unchecked, [], `unchecked blocks at README.md lines ${unchecked.join(', ')}`);
  assert.ok(checked.length >= 10, 'markers found');
});

test('README programs type-check', async () => {
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
      files: programs.map((p) => `${p.name}.ts`),
    }),
  );
  const { stdout } = await run([join(root, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], work);
  // Only the README's own programs are judged here; the sources have their own type-check.
  const ours = stdout.split('\n').filter((l) => /^(run|options)-[\w-]+\.ts\(/.test(l));
  assert.deepEqual(ours, [], ours.join('\n'));
});

describe('README programs run and print what the README says', { concurrency: 2 }, () => {
  for (const p of programs) {
    test(p.name, async () => {
      const { code: exit, stdout, stderr } = await run(['--import', 'tsx', join(work, `${p.name}.ts`)], root);
      assert.equal(exit, 0, `${p.name} exited ${exit}\n${stdout}\n${stderr}`);
      if (p.expected.length > 0) assert.deepEqual(stdout.trimEnd().split('\n'), p.expected);
    });
  }
});

// ---- regions mirrored from examples/ ----

function region(file: string, name: string): string[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const begin = lines.findIndex((l) => l.trim() === `// ${name}:begin`);
  const end = lines.findIndex((l) => l.trim() === `// ${name}:end`);
  assert.ok(begin >= 0 && end > begin, `${file} has a ${name} region`);
  const body = lines.slice(begin + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => (/^ */.exec(l) as RegExpExecArray)[0].length));
  return body.map((l) => l.slice(indent));
}

const exampleModules: Record<string, string> = {
  '../src/index.node.js': 'ferry',
  '../src/transports/mock/index.js': 'ferry/mock',
  '../src/transports/node/index.js': 'ferry/node',
  '../src/sync/index.js': 'ferry/sync',
};

function importedNames(lines: readonly string[], map: (from: string) => string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of lines.join('\n').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    const from = map(m[2] as string);
    const set = out.get(from) ?? new Set<string>();
    for (const n of (m[1] as string).split(',')) if (n.trim()) set.add(n.trim().replace(/^type\s+/, ''));
    out.set(from, set);
  }
  return out;
}

describe('README snippets mirror the examples', () => {
  for (const block of checked.filter((b) => b.kind === 'region')) {
    test(`${block.arg} (README.md line ${block.line})`, () => {
      const [file, name] = block.arg.split('#') as [string, string];
      const own = block.lines.filter((l) => !/^import .* from '[^']+';$/.test(l));
      while (own[0]?.trim() === '') own.shift();
      assert.deepEqual(own, region(file, name));
      const readmeImports = importedNames(block.lines, (f) => f);
      const exampleImports = importedNames(readFileSync(join(root, file), 'utf8').split('\n'), (f) => exampleModules[f] ?? f);
      for (const [from, names] of readmeImports)
        for (const n of names) assert.ok(exampleImports.get(from)?.has(n), `${file} imports ${n} from ${from}`);
    });
  }
});

// ---- reference tables ----

function interfaceKeys(file: string, name: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(`export interface ${name} `);
  assert.ok(start >= 0, `${name} in ${file}`);
  const body = text.slice(start, text.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)\??:/gm)].map((m) => m[1] as string);
}

test('the options tables list every option in the code', () => {
  const table = (arg: string): Set<string> => {
    const block = checked.find((b) => b.kind === 'options' && b.arg === arg);
    assert.ok(block, `options ${arg} table`);
    return new Set(rows(block).map((r) => code(r[0] ?? '').split(' ')[0] as string));
  };
  const client = table('client');
  for (const k of [
    ...interfaceKeys('src/core/types.ts', 'SharedOptions'),
    ...interfaceKeys('src/core/types.ts', 'ClientOptions'),
  ])
    assert.ok(client.has(k), `client option ${k} is documented`);
  const request = table('request');
  for (const k of interfaceKeys('src/core/types.ts', 'FerryRequestOptions'))
    assert.ok(request.has(k) || client.has(k), `request option ${k} is documented`);
  const transports: [string, string, string][] = [
    ['node', 'src/transports/node/node-options.ts', 'NodeTransportOptions'],
    ['browser', 'src/transports/browser/transport.ts', 'BrowserTransportOptions'],
    ['deno', 'src/transports/deno/transport.ts', 'DenoTransportOptions'],
    ['bun', 'src/transports/bun/transport.ts', 'BunTransportOptions'],
    ['mock', 'src/transports/mock/transport.ts', 'MockTransportOptions'],
  ];
  for (const [arg, file, name] of transports) {
    const documented = table(arg);
    for (const k of interfaceKeys(file, name)) assert.ok(documented.has(k), `${arg} option ${k} is documented`);
  }
});

test('the runtimes table says what the transports declare', async () => {
  const { createNodeTransport } = await import('../src/transports/node/index.js');
  const { createBrowserTransport } = await import('../src/transports/browser/index.js');
  const { createDenoTransport } = await import('../src/transports/deno/index.js');
  const { createBunTransport } = await import('../src/transports/bun/index.js');
  const { createMockTransport } = await import('../src/transports/mock/index.js');
  const transports: Record<string, Transport> = {
    createNodeTransport: createNodeTransport(),
    createBrowserTransport: createBrowserTransport(),
    createDenoTransport: createDenoTransport(),
    createBunTransport: createBunTransport(),
    createMockTransport: createMockTransport([]),
  };
  const columns: Record<string, string> = {
    'Manual redirects': 'manualRedirects',
    Cookies: 'cookieHeaders',
    Decoding: 'rawBody',
    Integrity: 'integrity',
    'Streaming upload': 'streamingUpload',
    Proxies: 'proxy',
    'TLS options': 'tls',
    'Unix sockets': 'unixSocket',
    'HTTP/2': 'http2',
    'WebSocket headers': 'websocketHeaders',
    '100-continue': 'expectContinue',
  };
  const block = checked.find((b) => b.kind === 'capabilities');
  assert.ok(block);
  const header = cells(block.lines[0] as string);
  const seen = new Set<string>();
  for (const row of rows(block)) {
    const factory = /`(create\w+Transport)`/.exec(row[1] ?? '')?.[1] as string;
    const t = transports[factory];
    assert.ok(t, `a transport for ${row[0]}`);
    seen.add(factory);
    for (const [i, title] of header.entries()) {
      const key = columns[title];
      if (!key) continue;
      const value: unknown = (t.capabilities as unknown as Record<string, unknown>)[key];
      const expected: string =
        key === 'rawBody' ? (value ? 'ferry' : 'runtime') : key === 'integrity' ? (value ? 'runtime' : 'ferry') : value ? 'yes' : 'no';
      assert.equal(row[i], expected, `${row[0]} / ${title}`);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(transports).sort());
  await transports.createNodeTransport?.close?.();
});

test('the error tree lists every error class with its code', () => {
  const block = checked.find((b) => b.kind === 'errors');
  assert.ok(block);
  const documented = new Map([...block.lines.join('\n').matchAll(/(\w+Error)\s+(ERR_\w+)/g)].map((m) => [m[1], m[2]]));
  const source = readFileSync(join(root, 'src/core/util/errors.ts'), 'utf8');
  const tree = source.slice(0, source.indexOf('*/'));
  const inCode = new Map([...tree.matchAll(/(\w+Error)\s+(ERR_\w+)/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(documented, inCode);
  for (const m of source.matchAll(/^export class (\w+)/gm))
    if (m[1] !== 'FerryError') assert.ok(documented.has(m[1]), `${m[1]} is in the README`);
});

test('the README links every example', () => {
  for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.ts')))
    assert.ok(readme.includes(`(examples/${f})`), `README.md links examples/${f}`);
});
