/**
 * Honest errors against real local servers that misbehave on purpose: every failure is a
 * typed ferry error with a stable code, `METHOD url` (no credentials) and a cause.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConnectError,
  DecodingError,
  isFerryError,
  ResponseTruncatedError,
  type RetryInfo,
  TLSError,
  TooManyRedirectsError,
  TransportError,
} from '../../src/core/index.js';
import { createClient } from '../../src/transports/node/index.js';
import { mapError } from '../../src/transports/node/map-error.js';
import { requirePeer } from '../helpers/peers.js';
import { createRawServer } from '../helpers/raw-server.js';
import { createTestServer } from '../helpers/server.js';

function client(t: { after: (fn: () => Promise<void>) => void }, options: Parameters<typeof createClient>[0] = {}) {
  const c = createClient({ cookies: false, ...options });
  t.after(() => c.close());
  return c;
}

async function readStream(res: Response): Promise<string> {
  let text = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString();
  return text;
}

async function refusedPort(): Promise<number> {
  const s = await createTestServer(undefined, () => {});
  await s.close();
  return s.port;
}

test('connection refused: ConnectError with METHOD, credential-free URL and cause', async (t) => {
  const port = await refusedPort();
  const c = client(t, { retry: false });
  await assert.rejects(c.get(`http://user:secret@127.0.0.1:${port}/path?q=1`), (e: unknown) => {
    assert.ok(e instanceof ConnectError && e instanceof TypeError && isFerryError(e));
    assert.equal(e.code, 'ERR_CONNECT');
    assert.equal(e.message, `GET http://127.0.0.1:${port}/path?q=1: connection refused`);
    assert.ok(!e.message.includes('secret'));
    assert.ok(e.cause);
    return true;
  });
});

test('DNS failure maps to ConnectError "DNS lookup failed" (undici-shaped getaddrinfo error)', () => {
  // A real lookup would leave loopback; the error shape is what undici hands over.
  const cause = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND', syscall: 'getaddrinfo' });
  const wrapped = Object.assign(new TypeError('fetch failed'), { cause });
  const e = mapError(wrapped, { method: 'GET', url: 'http://nowhere.invalid/' }) as ConnectError;
  assert.ok(e instanceof ConnectError);
  assert.equal(e.code, 'ERR_CONNECT');
  assert.equal(e.message, 'GET http://nowhere.invalid/: DNS lookup failed');
  assert.equal(e.cause, wrapped);
});

test('connection reset: TransportError ERR_NETWORK with the socket error as cause; GET is retried', async (t) => {
  const server = await createRawServer(t, (socket) => socket.resetAndDestroy());
  const c = client(t, { retry: false });
  await assert.rejects(c.get(`${server.url}/reset`), (e: unknown) => {
    assert.ok(e instanceof TransportError);
    assert.equal(e.code, 'ERR_NETWORK');
    assert.match(e.message, new RegExp(`^GET ${server.url}/reset: `));
    assert.ok(e.cause);
    return true;
  });
  assert.equal(server.accepted(), 1);

  const retrying = client(t, { retry: { backoff: () => 1 } });
  const infos: RetryInfo[] = [];
  retrying.on('beforeRetry', (_r, info) => infos.push(info));
  await assert.rejects(retrying.get(`${server.url}/reset`), TransportError);
  assert.deepEqual(
    infos.map((i) => i.attempt),
    [1, 2],
  );
  assert.equal(server.accepted(), 4);
});

test('TLS: a self-signed certificate is a TLSError naming the reason', async (t) => {
  const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
  if (!openssl) return;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_q, s) =>
    s.end('ok'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;
  const c = client(t, { retry: false });
  await assert.rejects(c.get(`https://127.0.0.1:${port}/`), (e: unknown) => {
    assert.ok(e instanceof TLSError);
    assert.equal(e.code, 'ERR_TLS');
    assert.match(e.message, new RegExp(`^GET https://127\\.0\\.0\\.1:${port}/: TLS: self-signed certificate`));
    assert.ok(e.cause);
    return true;
  });
});

const truncations: Record<string, string> = {
  'lying Content-Length': 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this',
  'broken chunk size': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nbroken',
  'chunked stream cut before the last chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
  'chunk shorter than its size': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\nshort',
};

for (const [name, raw] of Object.entries(truncations)) {
  test(`truncated body (${name}) → ResponseTruncatedError on text() and on the stream; complete rejects`, async (t) => {
    const server = await createRawServer(t, (socket) => socket.end(raw));
    const c = client(t);
    for (const read of [(r: Response) => r.text(), readStream]) {
      const res = await c.get(`${server.url}/body`);
      assert.equal(res.status, 200);
      await assert.rejects(read(res), (e: unknown) => {
        assert.ok(e instanceof ResponseTruncatedError, String(e));
        assert.equal(e.code, 'ERR_TRUNCATED');
        assert.match(
          e.message,
          new RegExp(
            `^GET ${server.url}/body: response truncated: ${name === 'broken chunk size' ? 'broken chunked encoding' : 'the connection closed before the body ended'}`,
          ),
        );
        assert.ok(e.cause);
        return true;
      });
      await assert.rejects(res.complete, ResponseTruncatedError);
    }
  });
}

test('a close-delimited body reads whole and is marked complete: unknown; framed bodies say complete', async (t) => {
  const server = await createRawServer(t, (socket, head) => {
    if (head.startsWith('GET /close')) socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end');
    else if (head.startsWith('GET /http10')) socket.end('HTTP/1.0 200 OK\r\n\r\nold style');
    else if (head.startsWith('GET /chunked'))
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
    else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfixed');
  });
  const c = client(t);
  const close = await c.get(`${server.url}/close`);
  assert.equal(await close.text(), 'until the end');
  assert.equal(await close.complete, 'unknown');
  const old = await c.get(`${server.url}/http10`);
  assert.equal(await readStream(old), 'old style');
  assert.equal(await old.complete, 'unknown');
  const chunked = await c.get(`${server.url}/chunked`);
  assert.equal(await chunked.text(), 'abc');
  assert.equal(await chunked.complete, 'complete');
  const fixed = await c.get(`${server.url}/fixed`);
  assert.equal(await fixed.text(), 'fixed');
  assert.equal(await fixed.complete, 'complete');
});

test('503 with Retry-After in seconds and as an HTTP-date is retried after that delay', async (t) => {
  let n = 0;
  const server = await createTestServer(t, (req, res) => {
    n++;
    if (req.url === '/seconds' && n === 1) res.writeHead(503, { 'retry-after': '1' }).end('busy');
    else if (req.url === '/date' && n === 3) res.writeHead(503, { 'retry-after': new Date(Date.now() + 1500).toUTCString() }).end('busy');
    else res.end(`ok ${n}`);
  });
  const c = client(t);
  const delays: number[] = [];
  c.on('beforeRetry', (_r, info) => delays.push(info.delay));
  assert.equal(await (await c.get(`${server.url}/seconds`)).text(), 'ok 2');
  assert.equal(await (await c.get(`${server.url}/date`)).text(), 'ok 4');
  assert.equal(delays.length, 2);
  assert.equal(delays[0], 1000);
  assert.ok((delays[1] as number) > 0 && (delays[1] as number) <= 1500, String(delays[1]));
});

test('too many redirects and undecodable bodies are typed errors too', async (t) => {
  const server = await createTestServer(t, (req, res) => {
    if (req.url?.startsWith('/loop')) res.writeHead(302, { location: `/loop${Number(req.url.slice(5) || 0) + 1}` }).end();
    else res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip');
  });
  const c = client(t, { maxRedirects: 3 });
  await assert.rejects(c.get(`${server.url}/loop`), (e: unknown) => {
    assert.ok(e instanceof TooManyRedirectsError);
    assert.equal(e.code, 'ERR_TOO_MANY_REDIRECTS');
    assert.match(e.message, /^GET http:\/\/127\.0\.0\.1:\d+\/loop/);
    return true;
  });
  const res = await c.get(`${server.url}/gzip`);
  await assert.rejects(res.text(), (e: unknown) => {
    assert.ok(e instanceof DecodingError);
    assert.equal(e.code, 'ERR_DECODING');
    return true;
  });
});
