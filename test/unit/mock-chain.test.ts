/**
 * The whole default middleware chain on top of the mock transport: what a user's unit tests
 * rely on when they swap the transport and keep everything else.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { delay, HttpResponse, http } from 'msw';
import { AuthError, basicAuth, bearer, digestAuth, oauth2 } from '../../src/core/index.js';
// `ferry` on Node, as the README's mock example imports it: a jar by default.
import { createClient } from '../../src/index.node.js';
import { createMockTransport } from '../../src/transports/mock/index.js';

const a = 'http://a.example.com';
const b = 'http://b.example.com';
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

describe('mock transport under the default chain', () => {
  test('cookies set on a mocked redirect are sent on the next hop; history records the chain', async () => {
    const transport = createMockTransport([
      http.post(
        `${a}/login`,
        () => new HttpResponse(null, { status: 303, headers: { location: '/home', 'set-cookie': 'sid=42; Path=/; HttpOnly' } }),
      ),
      http.get(`${a}/home`, ({ cookies }) => HttpResponse.text(cookies.sid === '42' ? 'welcome back' : 'who are you?')),
    ]);
    const client = createClient({ transport });
    const res = await client.post(`${a}/login`, { form: { user: 'ann' } });
    assert.equal(await res.text(), 'welcome back');
    assert.equal(res.url, `${a}/home`);
    assert.deepEqual(
      res.history.map((r) => r.status),
      [303],
    );
    assert.deepEqual(
      transport.requests.map((r) => `${r.method} ${r.url}`),
      [`POST ${a}/login`, `GET ${a}/home`],
    );
    assert.equal(transport.requests[1]?.headers.get('cookie'), 'sid=42');
    assert.equal(transport.requests[1]?.body, null, '303 turns the POST into a body-less GET');
    assert.equal((await client.cookies?.getCookieString(`${a}/`)) ?? '', 'sid=42');
  });

  test('credentials do not follow a redirect to another origin', async () => {
    const transport = createMockTransport([
      http.get(`${a}/go`, () => new HttpResponse(null, { status: 302, headers: { location: `${b}/land` } })),
      http.get(`${b}/land`, () => HttpResponse.text('landed')),
    ]);
    const client = createClient({ transport, auth: bearer('tok'), headers: { 'x-api-key': 'k' }, sensitiveHeaders: ['x-api-key'] });
    assert.equal(await (await client.get(`${a}/go`)).text(), 'landed');
    assert.equal(transport.requests[0]?.headers.get('authorization'), 'Bearer tok');
    assert.equal(transport.requests[0]?.headers.get('x-api-key'), 'k');
    assert.equal(transport.requests[1]?.headers.get('authorization'), null);
    assert.equal(transport.requests[1]?.headers.get('x-api-key'), null);
  });

  test('a digest challenge is answered with a correct response', async () => {
    const realm = 'mock@example';
    const nonce = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
    const transport = createMockTransport([
      http.get(`${a}/private`, ({ request }) => {
        const header = request.headers.get('authorization') ?? '';
        if (!header.startsWith('Digest ')) {
          return new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': `Digest realm="${realm}", qop="auth", nonce="${nonce}", opaque="5ccc069c", algorithm=MD5` },
          });
        }
        const p = Object.fromEntries([...header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]));
        const ha1 = md5(`${p.username}:${realm}:s3cret`);
        const ha2 = md5(`GET:${p.uri}`);
        const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
        return p.response === expected && p.opaque === '5ccc069c'
          ? HttpResponse.text(`hello ${p.username}`)
          : new HttpResponse(null, { status: 401 });
      }),
    ]);
    const client = createClient({ transport, auth: digestAuth('ann', 's3cret') });
    const res = await client.get(`${a}/private?x=1`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello ann');
    assert.equal(transport.requests.length, 2, 'challenge, then answer');
    assert.match(transport.requests[1]?.headers.get('authorization') ?? '', /uri="\/private\?x=1"/);

    const wrong = createClient({ transport, auth: digestAuth('ann', 'wrong') });
    assert.equal((await wrong.get(`${a}/private`)).status, 401, 'a wrong password returns the second 401');
  });

  test('OAuth2 client credentials: the token endpoint is mocked, the token cached, an invalid_token answered once', async () => {
    const issued: string[] = [];
    const valid = new Set<string>();
    const transport = createMockTransport([
      http.post(`${a}/token`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        if (request.headers.get('authorization') !== `Basic ${btoa('svc:pw')}`)
          return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
        const token = `t${issued.length + 1}`;
        issued.push(`${form.get('grant_type')} ${form.get('scope')}`);
        valid.add(token);
        return HttpResponse.json({ access_token: token, token_type: 'Bearer', expires_in: 3600 });
      }),
      http.get(`${a}/api/:what`, ({ request, params }) => {
        const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
        if (!valid.has(token))
          return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
        if (params.what === 'rotate') valid.clear();
        return HttpResponse.text(`${params.what} with ${token}`);
      }),
    ]);
    const auth = oauth2({ grant: 'client_credentials', tokenUrl: `${a}/token`, clientId: 'svc', clientSecret: 'pw', scope: 'read' });
    const client = createClient({ transport, auth });
    assert.equal(await (await client.get(`${a}/api/one`)).text(), 'one with t1');
    assert.equal(await (await client.get(`${a}/api/rotate`)).text(), 'rotate with t1');
    assert.equal(await (await client.get(`${a}/api/two`)).text(), 'two with t2', 'invalid_token: a new token, retried once');
    assert.deepEqual(issued, ['client_credentials read', 'client_credentials read']);
    assert.equal(transport.requests.filter((r) => r.url === `${a}/token`).length, 2);

    const refused = createClient({
      transport,
      auth: oauth2({ grant: 'client_credentials', tokenUrl: `${a}/token`, clientId: 'svc', clientSecret: 'no' }),
    });
    await assert.rejects(refused.get(`${a}/api/one`), (e: unknown) => e instanceof AuthError && e.error === 'invalid_client');
  });

  test('basic auth is sent up front', async () => {
    const transport = createMockTransport([
      http.get(`${a}/basic`, ({ request }) => HttpResponse.text(request.headers.get('authorization') ?? 'none')),
    ]);
    const res = await createClient({ transport, auth: basicAuth('ann', 'pw') }).get(`${a}/basic`);
    assert.equal(await res.text(), `Basic ${btoa('ann:pw')}`);
  });

  test('a mocked gzip body is decoded by ferry (the mock delivers raw bytes); decompress: false keeps it', async () => {
    const text = 'hello '.repeat(1000);
    const transport = createMockTransport([
      http.get(
        `${a}/gz`,
        () => new HttpResponse(gzipSync(text), { headers: { 'content-encoding': 'gzip', 'content-type': 'text/plain' } }),
      ),
    ]);
    const client = createClient({ transport });
    const res = await client.get(`${a}/gz`);
    assert.equal(await res.text(), text);
    assert.match(transport.requests[0]?.headers.get('accept-encoding') ?? '', /gzip/);

    const raw = await client.get(`${a}/gz`, { decompress: false });
    const bytes = new Uint8Array(await raw.arrayBuffer());
    assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'still gzip');

    await assert.rejects(
      (await client.get(`${a}/gz`, { maxDecompressedBytes: 100 })).text(),
      (e: unknown) => (e as { code?: string }).code === 'ERR_DECODING',
    );
  });

  test('retries a mocked 503 with Retry-After, and a mocked network error', async () => {
    let n = 0;
    const transport = createMockTransport([
      http.get(`${a}/busy`, () =>
        ++n < 3 ? new HttpResponse('busy', { status: 503, headers: { 'retry-after': '0' } }) : HttpResponse.text('done'),
      ),
    ]);
    const client = createClient({ transport, retry: { limit: 2, backoff: () => 0 } });
    assert.equal(await (await client.get(`${a}/busy`)).text(), 'done');
    assert.equal(transport.requests.length, 3);

    let m = 0;
    transport.use(http.get(`${a}/flaky`, () => (++m === 1 ? HttpResponse.error() : HttpResponse.text('recovered'))));
    assert.equal(await (await client.get(`${a}/flaky`)).text(), 'recovered');
  });

  test('a slow mocked answer hits the timeout', async () => {
    const transport = createMockTransport([
      http.get(`${a}/slow`, async () => {
        await delay(2_000);
        return HttpResponse.text('late');
      }),
    ]);
    const client = createClient({ transport, retry: 0 });
    await assert.rejects(client.get(`${a}/slow`, { timeout: 30 }), (e: unknown) => (e as { code?: string }).code === 'ERR_TIMEOUT');
  });

  test('a mocked body that stalls hits bodyIdle, with the phase named', async () => {
    const encoder = new TextEncoder();
    const transport = createMockTransport([
      http.get(`${a}/stall`, () => {
        let sent = false;
        const stream = new ReadableStream<Uint8Array>({
          async pull(c) {
            if (!sent) {
              sent = true;
              c.enqueue(encoder.encode('first'));
              return;
            }
            await delay(2_000);
            c.close();
          },
        });
        return new HttpResponse(stream);
      }),
    ]);
    const res = await createClient({ transport, retry: 0 }).get(`${a}/stall`, { timeout: { bodyIdle: 50 } });
    await assert.rejects(
      res.text(),
      (e: unknown) => (e as { code?: string; phase?: string }).code === 'ERR_TIMEOUT' && (e as { phase?: string }).phase === 'bodyIdle',
    );
  });

  test('events fire for mocked exchanges, per hop', async () => {
    const transport = createMockTransport([
      http.get(`${a}/r`, () => new HttpResponse(null, { status: 302, headers: { location: '/t' } })),
      http.get(`${a}/t`, () => HttpResponse.text('x'.repeat(10), { headers: { 'content-length': '10' } })),
    ]);
    const seen: string[] = [];
    const client = createClient({ transport });
    client.on('preRequest', (req) => seen.push(`pre ${new URL(req.url).pathname}`));
    client.on('onHeaders', (res) => seen.push(`headers ${res.status}`));
    const res = await client.get(`${a}/r`, { on: { downloadProgress: (p) => seen.push(`progress ${p.loaded}/${p.total}`) } });
    assert.equal(await res.text(), 'xxxxxxxxxx');
    assert.deepEqual(seen, ['pre /r', 'headers 302', 'pre /t', 'headers 200', 'progress 10/10']);
  });
});
