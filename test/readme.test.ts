/**
 * Checks every snippet and reference table in README.md and docs/*.md (not docs/decisions/)
 * against the code. Each ```ts block and each checked table is preceded by a marker:
 *   <!-- check: region examples/X.ts#name -->  the block is the `// name:begin … name:end` region of that example
 *   <!-- check: run -->                        the block is a program: type-checked, run, `// → line` is its output
 *   <!-- check: options client|request|node|browser|deno|bun|mock --> every row's example type-checks and runs;
 *                                              every option is listed
 *   <!-- check: capabilities -->               the table says what each transport's `capabilities` say
 *   <!-- check: errors -->                     the tree lists every error class with its code
 * Paths in markers are relative to the repository root, wherever the page is. Each reference
 * table (options …, capabilities, errors) is found exactly once across the pages, and every
 * relative link between them resolves (the file, and the heading of a `#anchor`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Transport } from '../src/core/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The checked pages: README.md and every docs/*.md (docs/decisions/ is history, not checked). */
const pages: string[] = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => `docs/${e.name}`)
    .sort(),
];
const texts = new Map(pages.map((page) => [page, readFileSync(join(root, page), 'utf8')]));

const markerKinds = new Set(['region', 'run', 'options', 'capabilities', 'errors']);

interface Checked {
  readonly kind: string;
  readonly arg: string;
  readonly lines: string[];
  /** The page (README.md, docs/X.md) and the line of the block's fence or the table's first row. */
  readonly file: string;
  readonly line: number;
}

/** Where a block is, for messages: `docs/steps.md line 12`. */
function where(block: { file: string; line: number }): string {
  return `${block.file} line ${block.line}`;
}

interface Parsed {
  checked: Checked[];
  /** ```ts blocks without a marker. */
  unchecked: string[];
  /** Markers that are followed by no block or table, or whose kind is unknown. */
  stray: string[];
}

function parsePage(file: string, text: string, out: Parsed): void {
  const lines = text.split(/\r?\n/);
  let marker: { kind: string; arg: string; line: number } | null = null;
  const drop = (): void => {
    if (marker)
      out.stray.push(
        `${file} line ${marker.line}: <!-- check: ${`${marker.kind} ${marker.arg}`.trim()} --> has no block or table after it`,
      );
    marker = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = /^<!-- check: (\w+)\s*(.*?) -->$/.exec(line);
    if (m) {
      drop();
      if (!markerKinds.has(m[1] as string)) out.stray.push(`${file} line ${i + 1}: unknown marker kind ${m[1]}`);
      else marker = { kind: m[1] as string, arg: m[2] as string, line: i + 1 };
      continue;
    }
    if (line.startsWith('```') && line.length > 3) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i] as string);
      if (marker) out.checked.push({ kind: marker.kind, arg: marker.arg, lines: body, file, line: start + 1 });
      else if (/^```(ts|typescript|js)$/.test(line)) out.unchecked.push(`${file} line ${start + 1}`);
      marker = null;
      continue;
    }
    if (line.startsWith('|') && marker) {
      const start = i;
      const body: string[] = [];
      for (; i < lines.length && (lines[i] as string).startsWith('|'); i++) body.push(lines[i] as string);
      out.checked.push({ kind: marker.kind, arg: marker.arg, lines: body, file, line: start + 1 });
      marker = null;
      continue;
    }
    if (line.trim() !== '') drop();
  }
  drop();
}

const parsed: Parsed = { checked: [], unchecked: [], stray: [] };
for (const page of pages) parsePage(page, texts.get(page) as string, parsed);
const { checked, unchecked, stray } = parsed;

/** The one block of a reference kind (`options client`, `capabilities` …); the exactly-once test says when it is not one. */
function only(kind: string, arg = ''): Checked {
  const found = checked.filter((b) => b.kind === kind && b.arg === arg);
  assert.ok(found.length > 0, `no <!-- check: ${`${kind} ${arg}`.trim()} --> in ${pages.join(', ')}`);
  return found[0] as Checked;
}

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
  /** A file name that says where the block is: `run-docs-steps-line-230`. */
  readonly name: string;
  readonly source: string;
  readonly expected: string[];
  readonly block: Checked;
}

/** `README.md` → `readme`, `docs/steps.md` → `docs-steps`. */
function slug(file: string): string {
  return file
    .replace(/\.md$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
}

const programs: Program[] = [];
for (const block of checked) {
  if (block.kind !== 'run') continue;
  const source = block.lines.join('\n');
  const expected = block.lines.filter((l) => /^\s*\/\/ → /.test(l)).map((l) => l.replace(/^\s*\/\/ → /, ''));
  // Rewriting imports keeps every line where it is: line n of the program is line n after the fence.
  programs.push({ name: `run-${slug(block.file)}-line-${block.line}`, source: rewriteImports(source), expected, block });
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
  return { name: `options-${block.arg}-${slug(block.file)}-line-${block.line}`, source: rewriteImports(source), expected: [], block };
}
for (const block of checked) if (block.kind === 'options') programs.push(optionsProgram(block));

for (const p of programs) writeFileSync(join(work, `${p.name}.ts`), `${p.source}\nexport {};\n`);

test('every ts block in README.md and docs/*.md carries a check marker', () => {
  const problems = [...unchecked.map((at) => `${at}: a ts block without a check marker`), ...stray];
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.ok(checked.length >= 10, 'markers found');
});

test('each reference table is found exactly once across README.md and docs/*.md', () => {
  const references: [string, string][] = [
    ...['client', 'request', 'node', 'browser', 'deno', 'bun', 'mock'].map((arg): [string, string] => ['options', arg]),
    ['capabilities', ''],
    ['errors', ''],
  ];
  const problems: string[] = [];
  for (const [kind, arg] of references) {
    const found = checked.filter((b) => b.kind === kind && b.arg === arg).map(where);
    if (found.length !== 1)
      problems.push(`<!-- check: ${`${kind} ${arg}`.trim()} --> found ${found.length} times${found.length ? `: ${found.join(', ')}` : ''}`);
  }
  const known = new Set(references.map(([kind, arg]) => `${kind} ${arg}`));
  for (const b of checked.filter((b) => b.kind === 'options' || b.kind === 'capabilities' || b.kind === 'errors'))
    if (!known.has(`${b.kind} ${b.arg}`)) problems.push(`${where(b)}: unknown reference <!-- check: ${`${b.kind} ${b.arg}`.trim()} -->`);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('README and docs programs type-check', async () => {
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.base.json'),
      compilerOptions: { lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
      files: programs.map((p) => `${p.name}.ts`),
    }),
  );
  const { stdout } = await run([join(root, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], work);
  // Only the pages' own programs are judged here; the sources have their own type-check.
  const byName = new Map(programs.map((p) => [p.name, p]));
  const ours = stdout
    .split('\n')
    .filter((l) => /^(run|options)-[\w-]+\.ts\(/.test(l))
    .map((l) => {
      const m = /^([\w-]+)\.ts\((\d+),/.exec(l);
      const p = m ? byName.get(m[1] as string) : undefined;
      if (!p) return l;
      // A run block's line n is the page's line (fence + n); an options table's program is generated.
      const at = p.block.kind === 'run' ? `${p.block.file} line ${p.block.line + Number(m?.[2])}` : `the table at ${where(p.block)}`;
      return `${at}: ${l}`;
    });
  assert.deepEqual(ours, [], ours.join('\n'));
});

describe('README and docs programs run and print what the page says', { concurrency: 2 }, () => {
  for (const p of programs) {
    test(`${p.name} (${where(p.block)})`, async () => {
      const { code: exit, stdout, stderr } = await run(['--import', 'tsx', join(work, `${p.name}.ts`)], root);
      assert.equal(exit, 0, `${where(p.block)}: ${p.name} exited ${exit}\n${stdout}\n${stderr}`);
      if (p.expected.length > 0)
        assert.deepEqual(stdout.trimEnd().split('\n'), p.expected, `${where(p.block)}: the output differs from its \`// → \` lines`);
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

describe('README and docs snippets mirror the examples', () => {
  for (const block of checked.filter((b) => b.kind === 'region')) {
    test(`${block.arg} (${where(block)})`, () => {
      const [file, name] = block.arg.split('#') as [string, string];
      const own = block.lines.filter((l) => !/^import .* from '[^']+';$/.test(l));
      while (own[0]?.trim() === '') own.shift();
      assert.deepEqual(own, region(file, name), `${where(block)} differs from the ${name} region of ${file}`);
      const pageImports = importedNames(block.lines, (f) => f);
      const exampleImports = importedNames(readFileSync(join(root, file), 'utf8').split('\n'), (f) => exampleModules[f] ?? f);
      for (const [from, names] of pageImports)
        for (const n of names) assert.ok(exampleImports.get(from)?.has(n), `${where(block)}: ${file} imports ${n} from ${from}`);
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
  const table = (arg: string): Set<string> => new Set(rows(only('options', arg)).map((r) => code(r[0] ?? '').split(' ')[0] as string));
  const client = table('client');
  for (const k of [...interfaceKeys('src/core/types.ts', 'SharedOptions'), ...interfaceKeys('src/core/types.ts', 'ClientOptions')])
    assert.ok(client.has(k), `client option ${k} is documented (the table at ${where(only('options', 'client'))})`);
  const request = table('request');
  for (const k of interfaceKeys('src/core/types.ts', 'FerryRequestOptions'))
    assert.ok(request.has(k) || client.has(k), `request option ${k} is documented (the table at ${where(only('options', 'request'))})`);
  const transports: [string, string, string][] = [
    ['node', 'src/transports/node/node-options.ts', 'NodeTransportOptions'],
    ['browser', 'src/transports/browser/transport.ts', 'BrowserTransportOptions'],
    ['deno', 'src/transports/deno/transport.ts', 'DenoTransportOptions'],
    ['bun', 'src/transports/bun/transport.ts', 'BunTransportOptions'],
    ['mock', 'src/transports/mock/transport.ts', 'MockTransportOptions'],
  ];
  for (const [arg, file, name] of transports) {
    const documented = table(arg);
    for (const k of interfaceKeys(file, name))
      assert.ok(documented.has(k), `${arg} option ${k} is documented (the table at ${where(only('options', arg))})`);
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
  const block = only('capabilities');
  const header = cells(block.lines[0] as string);
  const seen = new Set<string>();
  for (const row of rows(block)) {
    const factory = /`(create\w+Transport)`/.exec(row[1] ?? '')?.[1] as string;
    const t = transports[factory];
    assert.ok(t, `${where(block)}: a transport for ${row[0]}`);
    seen.add(factory);
    for (const [i, title] of header.entries()) {
      const key = columns[title];
      if (!key) continue;
      const value: unknown = (t.capabilities as unknown as Record<string, unknown>)[key];
      const expected: string =
        key === 'rawBody' ? (value ? 'ferry' : 'runtime') : key === 'integrity' ? (value ? 'runtime' : 'ferry') : value ? 'yes' : 'no';
      assert.equal(row[i], expected, `${where(block)}: ${row[0]} / ${title}`);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(transports).sort());
  await transports.createNodeTransport?.close?.();
});

test('the error tree lists every error class with its code', () => {
  const block = only('errors');
  const documented = new Map([...block.lines.join('\n').matchAll(/(\w+Error)\s+(ERR_\w+)/g)].map((m) => [m[1], m[2]]));
  const source = readFileSync(join(root, 'src/core/util/errors.ts'), 'utf8');
  const tree = source.slice(0, source.indexOf('*/'));
  const inCode = new Map([...tree.matchAll(/(\w+Error)\s+(ERR_\w+)/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(documented, inCode, `the error tree at ${where(block)} and src/core/util/errors.ts`);
  for (const m of source.matchAll(/^export class (\w+)/gm))
    if (m[1] !== 'FerryError') assert.ok(documented.has(m[1]), `${m[1]} is in the error tree at ${where(block)}`);
});

// ---- links between the pages ----

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings (outside code blocks), with GitHub's -1, -2 … for repeats. */
function anchorsOf(text: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*$/.exec(line);
    if (!m) continue;
    const base = anchor(m[1] as string);
    let id = base;
    for (let n = 1; out.has(id); n++) id = `${base}-${n}`;
    out.add(id);
  }
  return out;
}

interface Link {
  readonly file: string;
  readonly line: number;
  /** The target, relative to the repository root (a file or a directory). */
  readonly target: string;
  readonly hash: string | undefined;
}

/** Every relative link of every page (outside code blocks). */
const links: Link[] = [];
for (const page of pages) {
  let fenced = false;
  for (const [i, line] of (texts.get(page) as string).split(/\r?\n/).entries()) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto: …
      const [path, hash] = href.split('#') as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), path)).replace(/\\/g, '/');
      links.push({ file: page, line: i + 1, target, hash });
    }
  }
}

test('every relative link in README.md and docs/*.md resolves', () => {
  const broken: string[] = [];
  for (const link of links) {
    const at = `${link.file} line ${link.line}`;
    if (!existsSync(join(root, link.target))) {
      broken.push(`${at}: ${link.target} does not exist`);
      continue;
    }
    if (link.hash && link.target.endsWith('.md')) {
      const text = texts.get(link.target) ?? readFileSync(join(root, link.target), 'utf8');
      if (!anchorsOf(text).has(link.hash)) broken.push(`${at}: ${link.target} has no heading #${link.hash}`);
    }
  }
  assert.deepEqual(broken, [], broken.join('\n'));
});

test('README.md or a docs page links every example', () => {
  const targets = new Set(links.map((l) => l.target));
  for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.ts')))
    assert.ok(targets.has(`examples/${f}`), `no page links examples/${f}`);
});
