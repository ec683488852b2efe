/**
 * Digest auth against a Node digest server that checks every answer independently with
 * node:crypto: SHA-256, SHA-512-256, -sess, auth-int, userhash, username*, several
 * challenges, stale nonces, the legacy form without qop and a wrong password.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, type TestContext, test } from 'node:test';
import { digestAuth } from '../../src/core/index.js';
import { createClient } from '../../src/transports/node/index.js';
import { createTestServer, readBody } from '../helpers/server.js';

interface Offer {
  algorithm?: string;
  qop?: string;
}
interface ServerOptions {
  offers: Offer[];
  user?: string;
  pass?: string;
  realm?: string;
  /** Send every offer in one WWW-Authenticate line instead of one line each. */
  oneLine?: boolean;
  userhash?: boolean;
  /** Answers a nonce accepts before it goes stale. */
  nonceUses?: number;
}

const nodeHash: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
const H = (alg: string, s: string | Buffer): string =>
  createHash(nodeHash[alg] as string)
    .update(s)
    .digest('hex');

function parseAuthorization(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/gi;
  for (const m of value.slice('Digest '.length).matchAll(re))
    out[(m[1] as string).toLowerCase()] = m[2]?.replace(/\\(.)/g, '$1') ?? (m[3] as string);
  return out;
}

async function digestServer(t: TestContext, o: ServerOptions) {
  const user = o.user ?? 'Mufasa';
  const pass = o.pass ?? 'Circle of Life';
  const realm = o.realm ?? 'http-auth@example.org';
  const opaque = randomBytes(8).toString('hex');
  const nonces = new Map<string, { uses: number; lastNc: number }>();
  const log: { authorization: string | undefined; status: number; fields?: Record<string, string> }[] = [];
  const challenge = (stale: boolean): string[] =>
    o.offers.map((offer) => {
      const nonce = randomBytes(12).toString('base64url');
      nonces.set(nonce, { uses: 0, lastNc: 0 });
      const parts = [`realm="${realm}"`];
      if (offer.qop) parts.push(`qop="${offer.qop}"`);
      if (offer.algorithm) parts.push(`algorithm=${offer.algorithm}`);
      parts.push(`nonce="${nonce}"`, `opaque="${opaque}"`);
      if (o.userhash) parts.push('userhash=true');
      if (stale) parts.push('stale=true');
      return `Digest ${parts.join(', ')}`;
    });
  const verify = (req: IncomingMessage, body: Buffer, f: Record<string, string>): 'ok' | 'stale' | 'bad' => {
    const algorithm = f.algorithm ?? 'MD5';
    const sess = algorithm.endsWith('-sess');
    const base = sess ? algorithm.slice(0, -5) : algorithm;
    const offer = o.offers.find((x) => (x.algorithm ?? 'MD5') === algorithm);
    if (!offer || !nodeHash[base]) return 'bad';
    if (f.opaque !== opaque || f.realm !== realm || f.uri !== req.url) return 'bad';
    let name = f.username;
    if (f['username*'] !== undefined) {
      const m = /^UTF-8''(.*)$/i.exec(f['username*']);
      name = m ? decodeURIComponent(m[1] as string) : undefined;
    }
    if (o.userhash) {
      if (f.userhash !== 'true' || name !== H(base, `${user}:${realm}`)) return 'bad';
    } else if (name !== user) return 'bad';
    let ha1 = H(base, `${user}:${realm}:${pass}`);
    if (sess) ha1 = H(base, `${ha1}:${f.nonce}:${f.cnonce}`);
    const a2 = f.qop === 'auth-int' ? `${req.method}:${f.uri}:${H(base, body)}` : `${req.method}:${f.uri}`;
    if (f.qop !== undefined && !(offer.qop ?? '').split(',').includes(f.qop)) return 'bad';
    if (f.qop === undefined && offer.qop !== undefined) return 'bad';
    const expected = f.qop
      ? H(base, `${ha1}:${f.nonce}:${f.nc}:${f.cnonce}:${f.qop}:${H(base, a2)}`)
      : H(base, `${ha1}:${f.nonce}:${H(base, a2)}`);
    if (f.response !== expected) return 'bad';
    const state = nonces.get(f.nonce as string);
    if (!state) return 'stale';
    if (f.qop) {
      const nc = Number.parseInt(f.nc as string, 16);
      if (!/^[0-9a-f]{8}$/.test(f.nc as string) || nc <= state.lastNc || !/^[0-9a-f]{16,}$/.test(f.cnonce ?? '')) return 'bad';
      state.lastNc = nc;
    }
    state.uses++;
    if (o.nonceUses !== undefined && state.uses > o.nonceUses) {
      nonces.delete(f.nonce as string);
      return 'stale';
    }
    return 'ok';
  };
  const server = await createTestServer(t, async (req, res) => {
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    let result: 'ok' | 'stale' | 'bad' | 'none' = 'none';
    let fields: Record<string, string> | undefined;
    if (authorization?.startsWith('Digest ')) {
      fields = parseAuthorization(authorization);
      result = verify(req, body, fields);
    }
    const status = result === 'ok' ? 200 : 401;
    log.push({ authorization, status, ...(fields ? { fields } : {}) });
    if (status === 200) return res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${body.length}`);
    const lines = challenge(result === 'stale');
    res.writeHead(401, { 'www-authenticate': o.oneLine ? lines.join(', ') : lines, 'content-type': 'text/plain' }).end('who are you?');
  });
  return { server, log, user, pass };
}

function client(t: TestContext) {
  const c = createClient({ cookies: false, retry: false });
  t.after(() => c.close());
  return c;
}

describe('digest auth against a Node digest server', () => {
  for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess']) {
    test(`${algorithm}, qop=auth: one challenge, then the next request goes preemptively`, async (t) => {
      const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm, qop: 'auth' }] });
      const c = client(t);
      const auth = digestAuth(user, pass);
      const res = await c.get(`${server.url}/dir/index.html?x=1`, { auth });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'hello 0');
      assert.deepEqual(
        log.map((l) => l.status),
        [401, 200],
      );
      assert.equal(log[1]?.fields?.algorithm, algorithm);
      assert.equal(log[1]?.fields?.nc, '00000001');
      const again = await c.get(`${server.url}/dir/other`, { auth });
      assert.equal(again.status, 200);
      await again.text();
      assert.equal(log.length, 3, 'the second request answered the cached challenge up front');
      assert.equal(log[2]?.fields?.nc, '00000002');
      assert.equal(log[2]?.fields?.nonce, log[1]?.fields?.nonce);
      assert.notEqual(log[2]?.fields?.cnonce, log[1]?.fields?.cnonce);
    });
  }

  test('qop=auth-int hashes the body (string, bytes and a replayable producer)', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth-int' }] });
    const c = client(t);
    const auth = digestAuth(user, pass);
    const r1 = await c.post(`${server.url}/upload`, { body: 'päyload', auth });
    assert.equal(r1.status, 200);
    assert.equal(await r1.text(), 'hello 8');
    assert.equal(log[1]?.fields?.qop, 'auth-int');
    const r2 = await c.put(`${server.url}/upload`, { body: new Uint8Array([1, 2, 3]), auth });
    assert.equal(await r2.text(), 'hello 3');
    let produced = 0;
    const r3 = await c.post(`${server.url}/upload`, {
      body: () => {
        produced++;
        return new ReadableStream({
          start(ctl) {
            ctl.enqueue(new TextEncoder().encode('streamed'));
            ctl.close();
          },
        });
      },
      auth,
    });
    assert.equal(await r3.text(), 'hello 8');
    assert.ok(produced >= 2);
    assert.ok(log.every((l, i) => i === 0 || l.status === 200));
  });

  test('auth-int with a one-shot stream body: the 401 comes back unchanged, nothing resent', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth-int' }] });
    const c = client(t);
    const body = new ReadableStream({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode('once'));
        ctl.close();
      },
    });
    const res = await c.post(`${server.url}/upload`, { body, auth: digestAuth(user, pass) });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'who are you?');
    assert.equal(log.length, 1);
  });

  test('qop=auth with a one-shot stream body: the challenge response is returned, never an empty resend', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth' }] });
    const c = client(t);
    const body = new ReadableStream({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode('once'));
        ctl.close();
      },
    });
    const res = await c.post(`${server.url}/upload`, { body, auth: digestAuth(user, pass, { preemptive: false }) });
    assert.equal(res.status, 401);
    assert.equal(log.length, 1);
  });

  test('userhash=true sends H(user:realm), never the user name', async (t) => {
    const { server, log, user, pass } = await digestServer(t, {
      offers: [{ algorithm: 'SHA-256', qop: 'auth' }],
      userhash: true,
      user: 'Jäsøn Doe',
    });
    const res = await client(t).get(`${server.url}/doe.json`, { auth: digestAuth(user, pass) });
    assert.equal(res.status, 200);
    assert.equal(log[1]?.fields?.userhash, 'true');
    assert.ok(!log[1]?.authorization?.includes('Doe'));
  });

  test('a non-ASCII user name goes as username* (RFC 7616 §3.4.4)', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth' }], user: 'Jäsøn Doe' });
    const res = await client(t).get(`${server.url}/doe.json`, { auth: digestAuth(user, pass) });
    assert.equal(res.status, 200);
    assert.match(log[1]?.authorization ?? '', /username\*=UTF-8''J%C3%A4s%C3%B8n%20Doe/);
  });

  for (const oneLine of [false, true]) {
    test(`several challenges (${oneLine ? 'one header line' : 'one line each'}): the strongest supported wins`, async (t) => {
      const { server, log, user, pass } = await digestServer(t, {
        offers: [
          { algorithm: 'MD5', qop: 'auth' },
          { algorithm: 'SHA-1-unknown', qop: 'auth' },
          { algorithm: 'SHA-512-256', qop: 'auth' },
          { algorithm: 'SHA-256', qop: 'auth' },
        ],
        oneLine,
      });
      const res = await client(t).get(`${server.url}/`, { auth: digestAuth(user, pass) });
      assert.equal(res.status, 200);
      assert.equal(log[1]?.fields?.algorithm, 'SHA-512-256');
    });
  }

  test('legacy RFC 2069 form (no qop, MD5): answered without nc/cnonce', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{}] });
    const res = await client(t).get(`${server.url}/old`, { auth: digestAuth(user, pass) });
    assert.equal(res.status, 200);
    assert.equal(log[1]?.fields?.qop, undefined);
    assert.equal(log[1]?.fields?.nc, undefined);
  });

  test('a wrong password returns the second 401 after exactly one try; the next request starts over', async (t) => {
    const { server, log, user } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth' }] });
    const c = client(t);
    const auth = digestAuth(user, 'wrong');
    const res = await c.get(`${server.url}/`, { auth });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'who are you?');
    assert.equal(log.length, 2);
    const again = await c.get(`${server.url}/`, { auth });
    assert.equal(again.status, 401);
    assert.equal(log.length, 4, 'no cached challenge after a failure, no loop');
  });

  test('stale=true is answered with the new nonce, not counted as a failure', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth' }], nonceUses: 1 });
    const c = client(t);
    const auth = digestAuth(user, pass);
    assert.equal((await c.get(`${server.url}/a`, { auth })).status, 200);
    // Preemptive answer with the used-up nonce → 401 stale=true → answer with the new nonce.
    const res = await c.get(`${server.url}/b`, { auth });
    assert.equal(res.status, 200);
    assert.deepEqual(
      log.map((l) => l.status),
      [401, 200, 401, 200],
    );
    assert.notEqual(log[3]?.fields?.nonce, log[2]?.fields?.nonce);
    assert.equal(log[3]?.fields?.nc, '00000001');
  });

  test('opaque is echoed (the server checks it)', async (t) => {
    const { server, log, user, pass } = await digestServer(t, { offers: [{ algorithm: 'SHA-256', qop: 'auth' }] });
    const res = await client(t).get(`${server.url}/`, { auth: digestAuth(user, pass) });
    assert.equal(res.status, 200);
    assert.ok(log[1]?.fields?.opaque);
  });
});
