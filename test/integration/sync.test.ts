import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CapabilityError,
  ConnectError,
  HTTPStatusError,
  InvalidOptionError,
  isFerryError,
  TimeoutError,
  TooManyRedirectsError,
  TransportError,
} from '../../src/core/index.js';
import { createSyncClient as browserCreateSyncClient } from '../../src/sync/browser.js';
import { BodyTooLargeError, createSyncClient, type SyncClient, SyncResponse } from '../../src/sync/index.js';

const fixtures = new URL('./fixtures/', import.meta.url);
let peer: ChildProcess;
let base = '';
let sync: SyncClient;

/** Starts the peer server in a child process: the sync client blocks this thread. */
before(async () => {
  peer = spawn(process.execPath, [fileURLToPath(new URL('sync-peer.mjs', fixtures))], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of peer.stdout as AsyncIterable<Buffer>) {
    out += chunk.toString();
    const m = /PORT (\d+)/.exec(out);
    if (m) {
      base = `http://127.0.0.1:${m[1]}`;
      break;
    }
  }
  assert.ok(base, 'the peer server started');
  sync = createSyncClient({ baseURL: `${base}/`, retry: 0 });
});

after(async () => {
  sync?.close();
  peer.stdin?.end();
  peer.kill();
  if (peer.exitCode === null) await once(peer, 'exit');
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return assert.fail('expected a throw');
}

test('a GET blocks and returns status, headers, url and the body already read', () => {
  const res = sync.get('hello');
  assert.ok(res instanceof SyncResponse);
  assert.equal(res.status, 200);
  assert.equal(res.ok, true);
  assert.equal(res.statusText, 'OK');
  assert.equal(res.url, `${base}/hello`);
  assert.ok(res.headers instanceof Headers);
  assert.equal(res.headers.get('x-peer'), 'yes');
  assert.equal(res.text(), 'hello from the peer');
  assert.equal(res.text(), 'hello from the peer', 'the body is in memory: readable again');
  assert.equal(new TextDecoder().decode(res.arrayBuffer()), 'hello from the peer');
  assert.deepEqual(res.history, []);
});

test('every method helper, with json, form, body and params', () => {
  const posted = sync.post('echo', { json: { a: 1, list: [1, 2] }, params: { page: 2 } }).json() as Record<string, unknown>;
  assert.equal(posted.method, 'POST');
  assert.equal(posted.url, '/echo?page=2');
  assert.equal(posted.body, '{"a":1,"list":[1,2]}');
  assert.match((posted.headers as Record<string, string>)['content-type'] ?? '', /application\/json/);
  const form = sync.put('echo', { form: new URLSearchParams({ x: '1', y: 'two' }) }).json() as Record<string, unknown>;
  assert.equal(form.method, 'PUT');
  assert.equal(form.body, 'x=1&y=two');
  const bytes = sync.patch('echo', { body: new Uint8Array([104, 105]) }).json() as Record<string, unknown>;
  assert.equal(bytes.method, 'PATCH');
  assert.equal(bytes.body, 'hi');
  const files = new FormData();
  files.append('file', new File(['file body'], 'a.txt', { type: 'text/plain' }));
  const multipart = sync.post('echo', { body: files }).json() as { body: string };
  assert.match(multipart.body, /filename="a\.txt"/);
  assert.match(multipart.body, /file body/);
  assert.equal((sync.delete('echo').json() as { method: string }).method, 'DELETE');
  assert.equal((sync.options('echo').json() as { method: string }).method, 'OPTIONS');
  assert.equal((sync.request('REPORT', 'echo').json() as { method: string }).method, 'REPORT');
  const head = sync.head('hello');
  assert.equal(head.status, 200);
  assert.equal(head.text(), '');
});

test('redirects are followed in the worker and history keeps each hop', () => {
  const res = sync.get('redirect');
  assert.equal(res.status, 200);
  assert.equal(res.url, `${base}/hello`);
  assert.equal(res.redirected, true);
  assert.equal(res.history.length, 1);
  assert.equal(res.history[0]?.status, 302);
  assert.equal(res.history[0]?.url, `${base}/redirect`);
  assert.equal(res.history[0]?.headers.get('location'), '/hello');
});

test('cookies persist across sync calls (the jar lives in the worker)', () => {
  const c = createSyncClient({ baseURL: `${base}/` });
  try {
    assert.equal(c.get('whoami').text(), '');
    assert.equal(c.get('login').text(), 'session=abc123; theme=dark', 'set on the redirect, sent on the next hop');
    assert.equal(c.get('whoami').text(), 'session=abc123; theme=dark', 'and on a later call');
  } finally {
    c.close();
  }
});

test('a timeout is a TimeoutError with its phase, and the client keeps working', () => {
  const e = thrown(() => sync.get('slow', { params: { ms: 3000 }, timeout: 200 }));
  assert.ok(e instanceof TimeoutError, String(e));
  assert.ok(e instanceof TransportError);
  assert.ok(e instanceof TypeError);
  assert.equal(e.code, 'ERR_TIMEOUT');
  assert.equal(e.phase, 'total');
  assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/slow\?ms=3000: /);
  assert.equal(sync.get('hello').status, 200);
});

test('a refused connection is a ConnectError, rethrown with its class, code, message and cause', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const e = thrown(() => sync.get(`http://127.0.0.1:${port}/gone`));
  assert.ok(e instanceof ConnectError, String(e));
  assert.ok(e instanceof TransportError);
  assert.ok(isFerryError(e));
  assert.equal(e.code, 'ERR_CONNECT');
  assert.equal(e.name, 'ConnectError');
  assert.match(e.message, new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/gone: `));
  assert.ok(e.cause instanceof Error, 'the cause crosses too');
});

test('throwHttpErrors: an HTTPStatusError with status and a readable response', async () => {
  const e = thrown(() => sync.get('status', { params: { code: 404 }, throwHttpErrors: true }));
  assert.ok(e instanceof HTTPStatusError, String(e));
  assert.equal(e.code, 'ERR_HTTP_STATUS');
  assert.equal(e.status, 404);
  assert.equal(e.response.status, 404);
  assert.equal(await e.response.text(), 'status 404');
  assert.equal(sync.get('status', { params: { code: 404 } }).status, 404, 'non-2xx resolves by default');
});

test('too many redirects: TooManyRedirectsError with the history', () => {
  const e = thrown(() => sync.get('loop', { maxRedirects: 2 }));
  assert.ok(e instanceof TooManyRedirectsError, String(e));
  assert.equal(e.code, 'ERR_TOO_MANY_REDIRECTS');
  assert.ok(e.history.length >= 2);
  assert.ok(e.history.every((r) => r.status === 302));
});

test('bad input from the worker is an InvalidOptionError naming the option', () => {
  const e = thrown(() => sync.get('hello', { headers: { 'x-bad': 'a\r\nb' } }));
  assert.ok(e instanceof InvalidOptionError, String(e));
  assert.equal(e.code, 'ERR_INVALID_OPTION');
  assert.equal(typeof e.option, 'string');
});

test('options that cannot cross threads are refused before any I/O, naming the option', () => {
  const fn = (): void => {};
  for (const [options, option] of [
    [{ middleware: [fn] }, 'middleware[0]'],
    [{ on: { preRequest: fn } }, 'on.preRequest'],
    [{ retry: { backoff: fn } }, 'retry.backoff'],
    [{ cookies: { getCookieString: fn } }, 'cookies'],
  ] as const) {
    const e = thrown(() => createSyncClient(options as never));
    assert.ok(e instanceof InvalidOptionError, String(e));
    assert.equal(e.option, option);
    assert.match(e.message, /setup/);
  }
  const signal = thrown(() => sync.get('hello', { signal: new AbortController().signal } as never));
  assert.ok(signal instanceof InvalidOptionError);
  assert.equal(signal.option, 'signal');
  const stream = thrown(() => sync.post('echo', { body: new ReadableStream() }));
  assert.ok(stream instanceof InvalidOptionError);
  assert.equal(stream.option, 'body');
  const invalid = thrown(() => createSyncClient({ timeout: -1 }));
  assert.ok(invalid instanceof InvalidOptionError, 'the worker’s own validation reaches the caller');
  assert.equal(invalid.option, 'timeout');
});

test('a setup module brings middleware that cannot be copied; given options win', () => {
  const c = createSyncClient({
    baseURL: `${base}/`,
    setup: new URL('sync-setup.mjs', fixtures),
    headers: { 'x-given': 'here' },
  });
  try {
    const echo = c.get('echo').json() as { headers: Record<string, string> };
    assert.equal(echo.headers['x-setup-middleware'], 'ran');
    assert.equal(echo.headers['x-given'], 'here');
    const plain = thrown(() => c.get('echo', { headers: { 'x-throw': 'range' } }));
    assert.ok(plain instanceof RangeError, 'a non-ferry error keeps its built-in class');
    assert.equal(plain.message, 'thrown by a setup middleware');
    assert.equal(isFerryError(plain), false);
    const exited = thrown(() => c.get('echo', { headers: { 'x-exit': 'now' } }));
    assert.ok(isFerryError(exited), 'a worker that dies mid-call is an error, not a hang');
    assert.equal(exited.code, 'ERR_SYNC_WORKER');
    assert.equal((thrown(() => c.get('hello')) as { code: string }).code, 'ERR_SYNC_WORKER');
  } finally {
    c.close();
  }
  const missing = thrown(() => createSyncClient({ setup: new URL('sync-peer-missing.mjs', fixtures) }));
  assert.ok(missing instanceof Error);
});

test('a body over maxBodyBytes is a BodyTooLargeError, declared or streamed', () => {
  const c = createSyncClient({ baseURL: `${base}/`, maxBodyBytes: 100_000 });
  try {
    assert.equal(c.get('bytes', { params: { n: 100_000 } }).arrayBuffer().byteLength, 100_000);
    for (const declared of ['1', '0']) {
      const e = thrown(() => c.get('bytes', { params: { n: 5_000_000, declared } }));
      assert.ok(e instanceof BodyTooLargeError, String(e));
      assert.equal(e.code, 'ERR_BODY_TOO_LARGE');
      assert.equal(e.limit, 100_000);
      assert.ok(isFerryError(e));
    }
    assert.equal(c.get('hello').text(), 'hello from the peer', 'still usable');
  } finally {
    c.close();
  }
});

test('after close() calls throw, and close() is idempotent', () => {
  const c = createSyncClient({ baseURL: `${base}/` });
  assert.equal(c.get('hello').status, 200);
  c.close();
  c.close();
  const e = thrown(() => c.get('hello'));
  assert.ok(isFerryError(e));
  assert.equal(e.code, 'ERR_SYNC_WORKER');
});

test('in a browser it is a CapabilityError', () => {
  assert.throws(() => browserCreateSyncClient(), CapabilityError);
  const g = globalThis as { document?: unknown };
  g.document = {};
  try {
    const e = thrown(() => createSyncClient());
    assert.ok(e instanceof CapabilityError);
    assert.equal(e.code, 'ERR_CAPABILITY');
  } finally {
    delete g.document;
  }
});

for (const mode of ['close', 'no-close'] as const) {
  test(`the process exits after its sync calls (${mode === 'close' ? 'close()' : 'no close(): the worker is unref’d'})`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('sync-exit.mjs', fixtures)), `${base}/hello`, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(timer);
    assert.equal(signal, null, 'exited by itself, not killed');
    assert.equal(code, 0);
    assert.equal(out.trim(), 'status 200');
  });
}

for (const runtime of ['bun', 'deno'] as const) {
  test(`on ${runtime}: a sync call from the TypeScript sources, a TimeoutError, close()`, async (t) => {
    const bin = fileURLToPath(new URL(`../../runtimes/node_modules/.bin/${runtime}`, import.meta.url));
    if (!existsSync(bin)) {
      const reason = `no ${runtime} in runtimes/node_modules`;
      if (process.env.CI) throw new Error(`required runtime missing under CI: ${reason}`);
      console.log(`# skipping: ${reason}`);
      t.skip(reason);
      return;
    }
    const script = fileURLToPath(new URL('sync-runtime.ts', fixtures));
    const args = runtime === 'deno' ? ['run', '-A', '--sloppy-imports', '--quiet', script, base] : [script, base];
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop() ?? ''), {
      status: 200,
      text: 'hello from the peer',
      timeout: 'ERR_TIMEOUT total',
    });
  });
}
