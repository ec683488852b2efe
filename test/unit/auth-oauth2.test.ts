import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AuthError,
  buildAuthorizeUrl,
  createClient,
  createPkcePair,
  InvalidOptionError,
  type OAuth2Token,
  oauth2,
} from '../../src/core/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const tokenUrl = 'http://auth.example.com/token';

/** A token endpoint plus an API on the inline transport; `valid` holds the accepted access tokens. */
function world(options: { expiresIn?: number; delay?: number; refresh?: boolean } = {}) {
  const grants: URLSearchParams[] = [];
  const valid = new Set<string>();
  let n = 0;
  const transport = inlineTransport(async (req) => {
    const url = new URL(req.url);
    if (url.href === tokenUrl) {
      const form = new URLSearchParams(await req.text());
      form.set('_authorization', req.headers.get('authorization') ?? '');
      grants.push(form);
      if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
      if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'revoked')
        return Response.json({ error: 'invalid_grant', error_description: 'refresh token revoked' }, { status: 400 });
      const token = `at-${++n}`;
      valid.add(token);
      return Response.json({
        access_token: token,
        token_type: 'Bearer',
        expires_in: options.expiresIn ?? 3600,
        ...(options.refresh ? { refresh_token: `rt-${n}` } : {}),
      });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
    if (token && valid.has(token)) return new Response(`ok ${token}`);
    return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  });
  return { transport, grants, valid };
}

describe('oauth2 on the inline transport', () => {
  test('token requests go through the transport with Basic client auth (form-encoded credentials)', async () => {
    const { transport, grants } = world();
    const client = createClient({ transport, cookies: false });
    const auth = oauth2({
      grant: 'client_credentials',
      tokenUrl,
      clientId: 'my app',
      clientSecret: 'p@ss:wörd',
      scope: ['a', 'b'],
      params: { audience: 'api' },
    });
    const res = await client.get('http://api.example.com/x', { auth });
    assert.equal(await res.text(), 'ok at-1');
    assert.equal(transport.requests[0]?.url, tokenUrl);
    assert.equal(grants[0]?.get('grant_type'), 'client_credentials');
    assert.equal(grants[0]?.get('scope'), 'a b');
    assert.equal(grants[0]?.get('audience'), 'api');
    assert.equal(grants[0]?.get('client_id'), null);
    const basic = atob((grants[0]?.get('_authorization') ?? '').slice(6));
    assert.equal(basic, 'my+app:p%40ss%3Aw%C3%B6rd');
  });

  test('password grant with client auth in the body', async () => {
    const { transport, grants } = world();
    const auth = oauth2({
      grant: 'password',
      tokenUrl,
      clientId: 'c',
      clientSecret: 's',
      clientAuth: 'body',
      username: 'u',
      password: 'p',
    });
    await (await createClient({ transport, cookies: false }).get('http://api.example.com/', { auth })).text();
    const g = grants[0] as URLSearchParams;
    assert.deepEqual(
      [g.get('grant_type'), g.get('username'), g.get('password'), g.get('client_id'), g.get('client_secret'), g.get('_authorization')],
      ['password', 'u', 'p', 'c', 's', ''],
    );
  });

  test('single flight: 100 concurrent requests share one slow token request', async () => {
    const { transport, grants } = world({ delay: 30 });
    const client = createClient({ transport, cookies: false });
    const auth = oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', clientSecret: 's' });
    const bodies = await Promise.all(
      Array.from({ length: 100 }, () => client.get('http://api.example.com/', { auth }).then((r) => r.text())),
    );
    assert.equal(grants.length, 1);
    assert.deepEqual(new Set(bodies), new Set(['ok at-1']));
  });

  test('expiry minus skew: renewed with the refresh token; a revoked refresh token falls back to the grant', async () => {
    const { transport, grants } = world({ expiresIn: 3600, refresh: true });
    let clock = 1_000_000;
    const seen: OAuth2Token[] = [];
    const auth = oauth2({
      grant: 'password',
      tokenUrl,
      clientId: 'c',
      username: 'u',
      password: 'p',
      now: () => clock,
      onToken: (t) => void seen.push(t),
    });
    const client = createClient({ transport, cookies: false, auth });
    await (await client.get('http://api.example.com/')).text();
    clock += 3600_000 - 29_000; // inside the 30 s skew
    await (await client.get('http://api.example.com/')).text();
    assert.deepEqual(
      grants.map((g) => g.get('grant_type')),
      ['password', 'refresh_token'],
    );
    assert.equal(grants[1]?.get('refresh_token'), 'rt-1');
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.expiresAt, 1_000_000 + 3600_000);
  });

  test('a 401 invalid_token: one new token and one retry, never a loop', async () => {
    const { transport, grants, valid } = world();
    const client = createClient({ transport, cookies: false });
    const auth = oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', clientSecret: 's' });
    await (await client.get('http://api.example.com/', { auth })).text();
    valid.clear(); // revoked server-side
    assert.equal(await (await client.get('http://api.example.com/', { auth })).text(), 'ok at-2');
    assert.equal(grants.length, 2);
    // A server that rejects every token: the second 401 comes back.
    const stubborn = inlineTransport((req) =>
      req.url === tokenUrl
        ? Response.json({ access_token: 'x', expires_in: 60 })
        : new Response('no', { status: 401, headers: { 'www-authenticate': 'Bearer realm="r", error="invalid_token"' } }),
    );
    const res = await createClient({ transport: stubborn, cookies: false }).get('http://api.example.com/', {
      auth: oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', clientSecret: 's' }),
    });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'no');
    assert.equal(stubborn.requests.length, 4, 'token, 401, token, 401');
  });

  test('a 401 without invalid_token is returned as it is', async () => {
    const transport = inlineTransport((req) =>
      req.url === tokenUrl
        ? Response.json({ access_token: 'x' })
        : new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } }),
    );
    const res = await createClient({ transport, cookies: false }).get('http://api.example.com/', {
      auth: oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', clientSecret: 's' }),
    });
    assert.equal(res.status, 401);
    assert.equal(transport.requests.length, 2);
  });

  test('token endpoint errors: AuthError with the OAuth code, or without one for a non-JSON answer', async () => {
    const refused = inlineTransport(() =>
      Response.json({ error: 'invalid_grant', error_description: 'bad refresh token' }, { status: 400 }),
    );
    const auth = oauth2({ grant: 'refresh_token', tokenUrl, clientId: 'c', refreshToken: 'revoked' });
    await assert.rejects(createClient({ transport: refused, cookies: false }).get('http://api.example.com/', { auth }), (e: unknown) => {
      return e instanceof AuthError && e.error === 'invalid_grant' && e.response?.status === 400 && /bad refresh token/.test(e.message);
    });
    const html = inlineTransport(() => new Response('<html>oops</html>', { status: 502 }));
    const auth2 = oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', clientSecret: 's' });
    await assert.rejects(
      createClient({ transport: html, cookies: false }).get('http://api.example.com/', { auth: auth2 }),
      (e: unknown) => {
        return e instanceof AuthError && e.error === undefined && /HTTP 502 without an access_token/.test(e.message);
      },
    );
  });

  test('a waiting request aborts with its own signal; the token request goes on for the others', async () => {
    const { transport, grants } = world({ delay: 50 });
    const client = createClient({ transport, cookies: false });
    const auth = oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', clientSecret: 's' });
    const controller = new AbortController();
    const aborted = client.get('http://api.example.com/', { auth, signal: controller.signal });
    const other = client.get('http://api.example.com/', { auth });
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    assert.equal(await (await other).text(), 'ok at-1');
    assert.equal(grants.length, 1);
  });

  test('an initial token is used until it expires', async () => {
    const { transport, grants, valid } = world();
    valid.add('loaded');
    const auth = oauth2({
      grant: 'client_credentials',
      tokenUrl,
      clientId: 'c',
      clientSecret: 's',
      token: { accessToken: 'loaded', tokenType: 'Bearer', expiresAt: Date.now() + 600_000 },
    });
    assert.equal(await (await createClient({ transport, cookies: false }).get('http://api.example.com/', { auth })).text(), 'ok loaded');
    assert.equal(grants.length, 0);
  });

  test('bad options throw InvalidOptionError synchronously', () => {
    assert.throws(() => oauth2({ grant: 'implicit' as never, tokenUrl, clientId: 'c' }), InvalidOptionError);
    assert.throws(() => oauth2({ grant: 'client_credentials', tokenUrl: 'not a url', clientId: 'c' }), InvalidOptionError);
    assert.throws(() => oauth2({ grant: 'password', tokenUrl, clientId: 'c' }), InvalidOptionError);
    assert.throws(() => oauth2({ grant: 'refresh_token', tokenUrl, clientId: 'c' }), InvalidOptionError);
    assert.throws(() => oauth2({ grant: 'authorization_code', tokenUrl, clientId: 'c' }), InvalidOptionError);
    assert.throws(() => oauth2({ grant: 'client_credentials', tokenUrl, clientId: 'c', skew: -1 }), InvalidOptionError);
  });
});

describe('PKCE', () => {
  test('RFC 7636 Appendix B: S256 challenge of the example verifier', async () => {
    const pair = await createPkcePair('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    assert.equal(pair.challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    assert.equal(pair.method, 'S256');
  });

  test('fresh pairs: 43-character verifiers from a random source', async () => {
    const a = await createPkcePair();
    const b = await createPkcePair();
    assert.match(a.verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.verifier, b.verifier);
  });

  test('buildAuthorizeUrl: response_type, client, redirect, scope, state and the S256 challenge', async () => {
    const { url, state, codeVerifier } = await buildAuthorizeUrl({
      authorizeUrl: 'http://auth.example.com/authorize?tenant=1',
      clientId: 'app',
      redirectUri: 'http://app.example.com/cb',
      scope: ['openid', 'email'],
      params: { prompt: 'consent' },
    });
    const p = url.searchParams;
    assert.equal(p.get('tenant'), '1');
    assert.equal(p.get('response_type'), 'code');
    assert.equal(p.get('client_id'), 'app');
    assert.equal(p.get('redirect_uri'), 'http://app.example.com/cb');
    assert.equal(p.get('scope'), 'openid email');
    assert.equal(p.get('state'), state);
    assert.equal(p.get('code_challenge_method'), 'S256');
    assert.equal(p.get('code_challenge'), (await createPkcePair(codeVerifier)).challenge);
    assert.equal(p.get('prompt'), 'consent');
  });
});
