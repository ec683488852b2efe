import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { type TestContext, test } from 'node:test';
import { CapabilityError, createClient as createCoreClient, type Middleware, TimeoutError, TLSError } from '../../src/core/index.js';
import { deriveRequest, headerList } from '../../src/core/kit.js';
import { createClient } from '../../src/transports/node/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';
import { startNginx } from '../helpers/nginx.js';
import { requirePeer } from '../helpers/peers.js';
import { createTestServer, readBody } from '../helpers/server.js';
import { makeTestPki } from '../helpers/tls-certs.js';

/** One request as a raw socket saw it. */
interface RawExchange {
  readonly headers: Record<string, string>;
  readonly headAt: number;
  /** Bytes received after the request head, counted on the socket itself. */
  bodyBytes: number;
  body: Buffer;
  firstBodyAt: number | undefined;
}

type Answer = 'continue' | 'silent' | 'mute' | { status: number; reason: string; headers?: Record<string, string> };

/**
 * A raw TCP server speaking just enough HTTP/1.1: it reads the request head, then answers as
 * `decide` says ('continue': 100 then the final answer once the body is in; 'silent': no 100,
 * the final answer once the body is in; 'mute': nothing ever; a status: that final answer at
 * once, body unread).
 * Every byte that arrives after the head is counted on the socket.
 */
async function rawServer(t: TestContext, decide: (ex: RawExchange) => Answer): Promise<{ url: string; exchanges: RawExchange[] }> {
  const exchanges: RawExchange[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = Buffer.alloc(0);
    let ex: RawExchange | undefined;
    let answer: Answer | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (!ex) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const lines = head.subarray(0, end).toString('latin1').split('\r\n').slice(1);
        const headers: Record<string, string> = {};
        for (const line of lines) {
          const i = line.indexOf(':');
          headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        ex = { headers, headAt: Date.now(), bodyBytes: 0, body: Buffer.alloc(0), firstBodyAt: undefined };
        exchanges.push(ex);
        answer = decide(ex);
        if (answer === 'continue') socket.write('HTTP/1.1 100 Continue\r\nx-interim: yes\r\n\r\n');
        else if (typeof answer === 'object') {
          const extra = Object.entries(answer.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
          socket.write(`HTTP/1.1 ${answer.status} ${answer.reason}\r\n${extra.join('')}content-length: 8\r\n\r\nrejected`);
        }
        chunk = head.subarray(end + 4);
      }
      if (chunk.byteLength > 0) {
        ex.bodyBytes += chunk.byteLength;
        ex.firstBodyAt ??= Date.now();
        ex.body = Buffer.concat([ex.body, chunk]);
      }
      const expected = Number(ex.headers['content-length'] ?? 0);
      if (answer !== 'mute' && typeof answer !== 'object' && ex.bodyBytes >= expected) {
        const text = `got ${ex.bodyBytes}`;
        socket.end(`HTTP/1.1 200 OK\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, exchanges };
}

const marker = 'BODY-MARKER-';
const payload = `${marker}${'x'.repeat(64 * 1024)}`;

function client(t: TestContext, extra: Parameters<typeof createClient>[0] = {}): ReturnType<typeof createClient> {
  const c = createClient({ cookies: false, retry: 0, ...extra });
  t.after(() => c.close());
  return c;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('the body follows 100 Continue; the 100 is shown to onHeaders and never returned', async (t) => {
  const { url, exchanges } = await rawServer(t, () => 'continue');
  const seen: { status: number; interim: string | null }[] = [];
  const res = await client(t).post(`${url}/upload`, {
    body: payload,
    expectContinue: true,
    continueTimeout: 30_000, // the 100 must be what releases the body, not the wait
    on: { onHeaders: (r) => seen.push({ status: r.status, interim: r.headers.get('x-interim') }) },
  });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `got ${Buffer.byteLength(payload)}`);
  assert.equal(exchanges[0]?.headers.expect, '100-continue');
  assert.equal(exchanges[0]?.body.toString(), payload);
  assert.deepEqual(seen[0], { status: 100, interim: 'yes' });
  assert.ok(seen.every((s) => s.status === 100 || s.status === 200));
});

for (const [status, reason] of [
  [401, 'Unauthorized'],
  [413, 'Payload Too Large'],
  [417, 'Expectation Failed'],
] as const) {
  test(`a ${status} before the 100: returned as the response, the body bytes never sent`, async (t) => {
    const { url, exchanges } = await rawServer(t, () => ({ status, reason }));
    const res = await client(t).post(`${url}/upload`, { body: payload, expectContinue: true, continueTimeout: 30_000 });
    assert.equal(res.status, status);
    assert.equal(await res.text(), 'rejected');
    await pause(150); // a body sent after the response would show up here
    assert.equal(exchanges.length, 1);
    assert.equal(exchanges[0]?.bodyBytes, 0, 'no body byte reached the socket');
    assert.equal(exchanges[0]?.body.includes(marker), false);
  });
}

test('an auth-style middleware answers the 401 and resends the still-replayable body', async (t) => {
  const { url, exchanges } = await rawServer(t, (ex) =>
    ex.headers.authorization ? 'continue' : { status: 401, reason: 'Unauthorized', headers: { 'www-authenticate': 'Basic realm="x"' } },
  );
  const answer401: Middleware = async (req, next, ctx) => {
    const first = await next(req, ctx);
    if (first.status !== 401) return first;
    await first.arrayBuffer();
    const retry = deriveRequest(req, { headers: [...headerList(req), ['authorization', 'Basic dTpw']] });
    return next(retry, ctx);
  };
  const res = await client(t, { middleware: [answer401] }).post(`${url}/upload`, {
    body: payload,
    expectContinue: true,
    continueTimeout: 30_000,
  });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `got ${Buffer.byteLength(payload)}`);
  assert.equal(exchanges.length, 2);
  assert.equal(exchanges[0]?.bodyBytes, 0, 'the refused attempt sent no body');
  assert.equal(exchanges[1]?.body.toString(), payload, 'the resend carried the whole body');
});

test('no 100 within continueTimeout: the body is sent anyway, after the wait', async (t) => {
  const { url, exchanges } = await rawServer(t, () => 'silent');
  const res = await client(t).post(`${url}/upload`, { body: payload, expectContinue: true, continueTimeout: 300 });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `got ${Buffer.byteLength(payload)}`);
  const ex = exchanges[0];
  assert.ok(ex?.firstBodyAt !== undefined);
  // a lower bound only: the body waited for the timeout instead of following the head
  assert.ok(ex.firstBodyAt - ex.headAt >= 250, `body came ${ex.firstBodyAt - ex.headAt} ms after the head`);
  assert.equal(ex.body.toString(), payload);
});

test('a number is a byte threshold: smaller bodies go out without asking', async (t) => {
  const { url, exchanges } = await rawServer(t, (ex) => (ex.headers.expect ? 'continue' : 'silent'));
  const c = client(t, { expectContinue: 1024, continueTimeout: 30_000 });
  const small = await c.post(`${url}/small`, { body: 'tiny' });
  assert.equal(await small.text(), 'got 4');
  const large = await c.post(`${url}/large`, { body: payload });
  assert.equal(await large.text(), `got ${Buffer.byteLength(payload)}`);
  assert.equal(exchanges[0]?.headers.expect, undefined);
  assert.equal(exchanges[1]?.headers.expect, '100-continue');
});

test('a streamed body of unknown length asks first and goes out chunked after the 100', async (t) => {
  const server = await createTestServer(t, async (req, res) => {
    // node:http answers 100 Continue itself when no checkContinue listener is set
    const body = await readBody(req);
    res.end(JSON.stringify({ expect: req.headers.expect, te: req.headers['transfer-encoding'], body: body.toString() }));
  });
  const chunks = ['one,', 'two,', 'three'];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
  const statuses: number[] = [];
  const res = await client(t).post(`${server.url}/stream`, {
    body: stream,
    expectContinue: true,
    continueTimeout: 30_000,
    on: { onHeaders: (r) => statuses.push(r.status) },
  });
  assert.deepEqual(await res.json(), { expect: '100-continue', te: 'chunked', body: 'one,two,three' });
  assert.equal(statuses[0], 100);
});

test('an abort while waiting for the 100 rejects with signal.reason', async (t) => {
  const { url } = await rawServer(t, () => 'silent');
  const controller = new AbortController();
  const reason = new Error('stop waiting');
  setTimeout(() => controller.abort(reason), 100);
  await assert.rejects(
    client(t).post(`${url}/upload`, { body: payload, expectContinue: true, continueTimeout: 30_000, signal: controller.signal }),
    (e) => e === reason,
  );
});

test('deadlines apply while waiting for the 100: a TimeoutError with its phase', async (t) => {
  const { url } = await rawServer(t, () => 'mute');
  for (const [timeout, phase] of [
    [{ headers: 200 }, 'headers'],
    [300, 'total'],
  ] as const) {
    await assert.rejects(
      client(t).post(`${url}/upload`, { body: payload, expectContinue: true, continueTimeout: 30_000, timeout }),
      (e: unknown) => {
        assert.ok(e instanceof TimeoutError, String(e));
        assert.equal(e.phase, phase);
        return true;
      },
    );
  }
});

test('requests without a body never ask, even with expectContinue on the client', async (t) => {
  const { url, exchanges } = await rawServer(t, () => 'silent');
  const res = await client(t, { expectContinue: true }).get(`${url}/plain`);
  assert.equal(await res.text(), 'got 0');
  assert.equal(exchanges[0]?.headers.expect, undefined);
});

test('a transport without the capability: explicit expectContinue is a CapabilityError before any I/O', async () => {
  const transport = inlineTransport(() => new Response('sent'), { expectContinue: false });
  const c = createCoreClient({ transport, cookies: false });
  await assert.rejects(c.post('http://127.0.0.1:9/upload', { body: 'x', expectContinue: true }), (e: unknown) => {
    assert.ok(e instanceof CapabilityError);
    assert.equal(e.code, 'ERR_CAPABILITY');
    assert.equal(e.capability, 'expectContinue');
    assert.equal(e.transport, 'inline');
    assert.match(e.message, /^POST http:\/\/127\.0\.0\.1:9\/upload: /);
    return true;
  });
  const onClient = createCoreClient({ transport, cookies: false, expectContinue: 1 });
  await assert.rejects(onClient.post('http://127.0.0.1:9/upload', { body: 'x' }), CapabilityError);
  assert.equal(transport.requests.length, 0, 'nothing reached the transport');
  // without the option the same transport is fine
  assert.equal(await (await c.post('http://127.0.0.1:9/upload', { body: 'x' })).text(), 'sent');
});

test('nginx: 100 Continue before reading a proxied upload, 413 without reading one over client_max_body_size', async (t) => {
  const received: number[] = [];
  const upstream = await createTestServer(t, async (req, res) => {
    const body = await readBody(req);
    received.push(body.byteLength);
    res.end(`upstream got ${body.byteLength}`);
  });
  const nginx = await startNginx(t, {
    server: `
      location /small { client_max_body_size 1k; proxy_pass ${upstream.url}; }
      location / { client_max_body_size 10m; proxy_http_version 1.1; proxy_pass ${upstream.url}; }`,
  });
  if (!nginx) return;
  const statuses: number[] = [];
  const c = client(t);
  const ok = await c.post(`${nginx.url}/upload`, {
    body: payload,
    expectContinue: true,
    continueTimeout: 30_000, // nginx's 100 must release the body
    on: { onHeaders: (r) => statuses.push(r.status) },
  });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), `upstream got ${Buffer.byteLength(payload)}`);
  assert.equal(statuses[0], 100, 'nginx answered 100 Continue');

  const refused = await c.post(`${nginx.url}/small`, { body: payload, expectContinue: true, continueTimeout: 30_000 });
  assert.equal(refused.status, 413);
  await refused.arrayBuffer();
  assert.deepEqual(received, [Buffer.byteLength(payload)], 'the refused upload never reached the upstream');
});

test('https: the route’s TLS policy applies to an upload that asks first', async (t) => {
  const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
  if (!openssl) return;
  const pki = makeTestPki(t, openssl);
  const server = https.createServer({ cert: readFileSync(pki.good.cert), key: readFileSync(pki.good.key) }, async (req, res) => {
    const body = await readBody(req);
    res.end(`${req.headers.expect} ${body.byteLength}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `https://localhost:${(server.address() as net.AddressInfo).port}/upload`;
  const statuses: number[] = [];
  const trusted = client(t, { node: { tls: { verify: pki.caPem } } });
  const res = await trusted.post(url, {
    body: payload,
    expectContinue: true,
    continueTimeout: 30_000,
    on: { onHeaders: (r) => statuses.push(r.status) },
  });
  assert.equal(await res.text(), `100-continue ${Buffer.byteLength(payload)}`);
  assert.equal(statuses[0], 100);
  await assert.rejects(client(t).post(url, { body: payload, expectContinue: true }), (e: unknown) => {
    assert.ok(e instanceof TLSError, String(e));
    return true;
  });
});
