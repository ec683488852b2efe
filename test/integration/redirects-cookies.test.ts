import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { Agent } from 'undici';
import { RedirectError, type RedirectPolicy, TooManyRedirectsError } from '../../src/core/index.js';
import { createClient, createNodeTransport } from '../../src/transports/node/index.js';
import { requirePeer } from '../helpers/peers.js';
import { createTestServer, readBody } from '../helpers/server.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A server that redirects `/r/STATUS?to=URL` and echoes everything else as JSON. */
function redirector(): http.RequestListener {
  return async (req, res) => {
    const body = (await readBody(req)).toString();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/r\/(\d{3})$/.exec(url.pathname);
    if (m) {
      res.writeHead(Number(m[1]), { location: url.searchParams.get('to') ?? '/echo' });
      res.end('redirecting');
      return;
    }
    const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(seen));
  };
}

async function listen(t: TestContext, server: http.Server | https.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function client(t: TestContext, options: Parameters<typeof createClient>[0] = {}) {
  const c = createClient(options);
  t.after(() => c.close());
  return c;
}

function expectation(policy: RedirectPolicy, status: number, method: string): string | null {
  if (status === 303) return method === 'HEAD' ? 'HEAD' : 'GET';
  if (status === 307 || status === 308) return method;
  if (policy === 'strict') return method === 'GET' || method === 'HEAD' ? method : null;
  return method === 'POST' ? 'GET' : method;
}

describe('redirects on the wire', () => {
  test('every status × method × policy', async (t) => {
    const srv = await createTestServer(t, redirector());
    const c = client(t, { cookies: false });
    for (const policy of ['browser', 'strict'] as const) {
      for (const status of [301, 302, 303, 307, 308]) {
        for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']) {
          const label = `${policy} ${status} ${method}`;
          const hasBody = method === 'POST' || method === 'PUT';
          const res = await c.request(method, `${srv.url}/r/${status}`, {
            redirectPolicy: policy,
            ...(hasBody ? { json: { n: 1 } } : {}),
          });
          const want = expectation(policy, status, method);
          if (want === null) {
            assert.equal(res.status, status, label);
            assert.equal(await res.text(), 'redirecting', label);
            continue;
          }
          assert.equal(res.status, 200, label);
          assert.equal(res.url, `${srv.url}/echo`, label);
          assert.deepEqual(
            res.history.map((h) => h.status),
            [status],
            label,
          );
          if (want === 'HEAD') continue;
          const seen = (await res.json()) as Seen;
          assert.equal(seen.method, want, label);
          const keepsBody = hasBody && want === method;
          assert.equal(seen.body, keepsBody ? '{"n":1}' : '', label);
          assert.equal(seen.headers['content-type'], keepsBody ? 'application/json' : undefined, label);
        }
      }
    }
  });

  test('a loop ends at maxRedirects with TooManyRedirectsError', async (t) => {
    let hits = 0;
    const srv = await createTestServer(t, (_req, res) => {
      hits++;
      res.writeHead(302, { location: '/again' }).end();
    });
    const c = client(t, { cookies: false, maxRedirects: 5 });
    const error = await c.get(`${srv.url}/again`).catch((e) => e);
    assert.ok(error instanceof TooManyRedirectsError);
    assert.equal(error.history.length, 6);
    assert.equal(hits, 6);
  });

  test('307: a replayable body is resent, a one-shot stream gets the 307 back', async (t) => {
    const srv = await createTestServer(t, redirector());
    const c = client(t, { cookies: false });
    const replayed = await c.post(`${srv.url}/r/307`, { body: 'again' });
    assert.equal(((await replayed.json()) as Seen).body, 'again');
    async function* once() {
      yield 'only once';
    }
    const oneShot = await c.post(`${srv.url}/r/307`, { body: once() });
    assert.equal(oneShot.status, 307);
    assert.equal(await oneShot.text(), 'redirecting');
  });

  test('each intermediate body is released: one pooled connection serves many redirected requests', async (t) => {
    const srv = await createTestServer(t, (req, res) => {
      if (req.url?.startsWith('/hop')) {
        const n = Number(req.url.slice(4));
        res.writeHead(302, { location: n < 3 ? `/hop${n + 1}` : '/done', 'content-type': 'text/plain' });
        res.end('x'.repeat(16 * 1024));
        return;
      }
      res.end('done');
    });
    const c = client(t, { cookies: false, transport: createNodeTransport({ connections: 1 }) });
    for (let i = 0; i < 10; i++) {
      const res = await c.get(`${srv.url}/hop0`);
      assert.equal(await res.text(), 'done');
      assert.equal(res.history.length, 4);
    }
    assert.ok(srv.connections() <= 2, `${srv.connections()} connections`);
  });

  test('a redirect to file: is refused', async (t) => {
    const srv = await createTestServer(t, redirector());
    const c = client(t, { cookies: false });
    await assert.rejects(c.get(`${srv.url}/r/302?to=${encodeURIComponent('file:///etc/passwd')}`), RedirectError);
  });
});

describe('credentials across origins', () => {
  const sent = {
    authorization: 'Bearer secret',
    cookie: 'manual=1',
    'proxy-authorization': 'Basic eDp5',
    'x-api-key': 'k',
    'x-plain': 'p',
  };

  test('a hop to another port (another origin) drops credentials; a same-origin hop keeps them', async (t) => {
    const a = await createTestServer(t, redirector());
    const b = await createTestServer(t, redirector());
    const c = client(t, { cookies: false, sensitiveHeaders: ['x-api-key'] });
    const cross = (await (await c.get(`${a.url}/r/302?to=${encodeURIComponent(`${b.url}/echo`)}`, { headers: sent })).json()) as Seen;
    for (const name of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) assert.equal(cross.headers[name], undefined, name);
    assert.equal(cross.headers['x-plain'], 'p');
    assert.equal(cross.headers.host, `127.0.0.1:${b.port}`);
    const same = (await (await c.get(`${a.url}/r/302`, { headers: sent })).json()) as Seen;
    for (const name of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) assert.ok(same.headers[name], name);
  });

  test('an https→http downgrade drops credentials (local TLS server, certificate made now)', async (t) => {
    const openssl = requirePeer(t, 'openssl', 'apt-get install openssl');
    if (!openssl) return;
    const dir = await mkdtemp(join(tmpdir(), 'ferry-tls-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
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
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const [key, cert] = await Promise.all([readFile(join(dir, 'key.pem')), readFile(join(dir, 'cert.pem'))]);
    const plain = await createTestServer(t, redirector());
    const secure = https.createServer({ key, cert }, redirector());
    const port = await listen(t, secure);
    const transport = createNodeTransport({ dispatcher: new Agent({ connect: { ca: cert } }) });
    const c = client(t, { transport, cookies: false });
    // the TLS server really answers over https
    const direct = (await (await c.get(`https://127.0.0.1:${port}/echo`, { headers: sent })).json()) as Seen;
    assert.equal(direct.headers.authorization, 'Bearer secret');
    const res = await c.get(`https://127.0.0.1:${port}/r/302?to=${encodeURIComponent(`${plain.url}/echo`)}`, { headers: sent });
    assert.equal(res.url, `${plain.url}/echo`);
    assert.equal(res.history[0]?.url.startsWith('https://'), true);
    const seen = (await res.json()) as Seen;
    for (const name of ['authorization', 'cookie', 'proxy-authorization']) assert.equal(seen.headers[name], undefined, name);
  });
});

describe('a login flow', () => {
  async function site(t: TestContext) {
    const hits: { path: string; cookie: string | undefined }[] = [];
    // the other site listens on ::1, a different host than 127.0.0.1 for the cookie jar
    const other = http.createServer((req, res) => {
      hits.push({ path: `other${req.url}`, cookie: req.headers.cookie });
      res.end('other site');
    });
    const otherPort = await listen(t, other, '::1');
    const srv = await createTestServer(t, async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      hits.push({ path: url.pathname, cookie: req.headers.cookie });
      if (url.pathname === '/login' && req.method === 'POST') {
        const form = new URLSearchParams((await readBody(req)).toString());
        if (form.get('user') !== 'ada' || form.get('pass') !== 'pw') {
          res.writeHead(403).end('no');
          return;
        }
        res.writeHead(302, { location: '/dashboard', 'set-cookie': ['session=s3cr3t; Path=/; HttpOnly; SameSite=Lax', 'seen=1; Path=/'] });
        res.end();
        return;
      }
      if (url.pathname === '/dashboard') {
        const ok = /(^|; )session=s3cr3t(;|$)/.test(req.headers.cookie ?? '');
        res.writeHead(ok ? 200 : 401).end(ok ? 'welcome ada' : 'who are you');
        return;
      }
      if (url.pathname === '/out') {
        res.writeHead(302, { location: `http://[::1]:${otherPort}/landing` }).end();
        return;
      }
      res.writeHead(404).end();
    });
    return { srv, hits, otherPort };
  }

  test('POST credentials → Set-Cookie + 302 → the next hop carries the cookie; a hop to another host does not', async (t) => {
    const { srv, hits } = await site(t);
    const c = client(t);
    const res = await c.post(`${srv.url}/login`, { form: { user: 'ada', pass: 'pw' } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'welcome ada');
    assert.equal(res.history[0]?.status, 302);
    assert.equal(res.request?.method, 'GET');
    const out = await c.get(`${srv.url}/out`);
    assert.equal(await out.text(), 'other site');
    assert.deepEqual(hits, [
      { path: '/login', cookie: undefined },
      { path: '/dashboard', cookie: 'session=s3cr3t; seen=1' },
      { path: '/out', cookie: 'session=s3cr3t; seen=1' },
      { path: 'other/landing', cookie: undefined },
    ]);
    assert.equal(await c.cookies?.getCookieString(`${srv.url}/`), 'session=s3cr3t; seen=1');
  });

  test('cookies: false logs in nowhere; the plain fetch-like client keeps no session', async (t) => {
    const { srv } = await site(t);
    const c = client(t, { cookies: false });
    const res = await c.post(`${srv.url}/login`, { form: { user: 'ada', pass: 'pw' } });
    assert.equal(res.status, 401);
    await res.arrayBuffer();
  });

  test('per RFC 6265 jar cookies are scoped by host, not port; per-request cookies stay on their origin', async (t) => {
    const seen: (string | undefined)[] = [];
    const b = await createTestServer(t, (req, res) => {
      seen.push(req.headers.cookie);
      res.end('b');
    });
    const a = await createTestServer(t, (req, res) => {
      if (req.url === '/set') res.writeHead(200, { 'set-cookie': 'host=wide' }).end();
      else res.writeHead(302, { location: `${b.url}/` }).end();
    });
    const c = client(t);
    await (await c.get(`${a.url}/set`)).arrayBuffer();
    await (await c.get(`${a.url}/go`, { cookies: { extra: 'mine' } })).arrayBuffer();
    assert.deepEqual(seen, ['host=wide']);
  });
});
