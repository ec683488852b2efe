/**
 * oauth2 against a real OAuth 2.0 server: oidc-provider 9 on 127.0.0.1:0, with a Node
 * resource server that checks tokens through the provider's introspection endpoint.
 * Client credentials (basic and body client auth), caching, expiry, single flight with 100
 * concurrent requests, a revoked token (401 invalid_token → one new token, one retry),
 * token endpoint errors, and the authorization-code grant with PKCE followed by refreshes.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { AuthError, buildAuthorizeUrl, type OAuth2Token, oauth2 } from '../../src/core/index.js';
import { createClient } from '../../src/transports/node/index.js';
import { createTestServer } from '../helpers/server.js';

const secrets = {
  basic: 'basic-client-secret-0123456789abcdef',
  post: 'post-client-secret-0123456789abcdef',
  rs: 'resource-server-secret-0123456789',
};
const redirectUri = 'http://127.0.0.1:9/cb';
// Our own signing key, so the provider does not fall back to its development keys.
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  use: 'sig',
  alg: 'RS256',
};

interface AuthServer {
  readonly issuer: string;
  readonly tokenUrl: string;
  /** POSTs to the token endpoint, by grant_type. */
  readonly tokenRequests: Record<string, number>;
}

/** The part of oidc-provider's API these tests use (the package ships no type declarations). */
interface OidcClient {
  readonly clientId: string;
  grantTypeAllowed(grant: string): boolean;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => { callback(): http.RequestListener };

async function loadProvider(): Promise<ProviderConstructor> {
  const specifier: string = 'oidc-provider';
  return ((await import(specifier)) as { default: ProviderConstructor }).default;
}

async function startProvider(t: TestContext): Promise<AuthServer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const Provider = await loadProvider();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'svc-basic',
        client_secret: secrets.basic,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'api:read api:write',
      },
      {
        client_id: 'svc-post',
        client_secret: secrets.post,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'api:read',
      },
      { client_id: 'svc-short', client_secret: secrets.basic, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
      {
        client_id: 'app',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [redirectUri],
        response_types: ['code'],
      },
      { client_id: 'rs', client_secret: secrets.rs, grant_types: [], redirect_uris: [], response_types: [] },
    ],
    jwks: { keys: [signingKey] },
    scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: true },
    },
    ttl: {
      ClientCredentials: (_ctx: unknown, _token: unknown, client: OidcClient) => (client.clientId === 'svc-short' ? 2 : 600),
      AccessToken: 600,
      RefreshToken: 3600,
    },
    issueRefreshToken: async (_ctx: unknown, client: OidcClient) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });
  const tokenRequests: Record<string, number> = {};
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.method === 'POST' && req.url === '/token') {
      // Count without consuming: peek at the grant type once the body is in.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const grantType = new URLSearchParams(Buffer.concat(chunks).toString()).get('grant_type') ?? '?';
        tokenRequests[grantType] = (tokenRequests[grantType] ?? 0) + 1;
      });
    }
    callback(req, res);
  });
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { issuer, tokenUrl: `${issuer}/token`, tokenRequests };
}

/** A resource server that accepts a bearer token only if the provider's introspection says it is active. */
async function startResourceServer(t: TestContext, issuer: string) {
  let hits = 0;
  const rs = await createTestServer(t, async (req, res) => {
    hits++;
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    let active: { active: boolean; client_id?: string; scope?: string } = { active: false };
    if (token) {
      const r = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`rs:${secrets.rs}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      });
      active = (await r.json()) as typeof active;
    }
    if (!active.active) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: active.client_id, scope: active.scope }));
  });
  return { url: rs.url, hits: () => hits };
}

async function statusAfterBody(r: Response): Promise<number> {
  await r.text();
  return r.status;
}

function client(t: TestContext) {
  const c = createClient({ cookies: false, retry: false });
  t.after(() => c.close());
  return c;
}

describe('oauth2 against oidc-provider', () => {
  test('client_credentials with HTTP Basic client auth; the token is cached', async (t) => {
    const as = await startProvider(t);
    const rs = await startResourceServer(t, as.issuer);
    const tokens: OAuth2Token[] = [];
    const auth = oauth2({
      grant: 'client_credentials',
      tokenUrl: as.tokenUrl,
      clientId: 'svc-basic',
      clientSecret: secrets.basic,
      scope: 'api:read',
      onToken: (tok) => {
        tokens.push(tok);
      },
    });
    const c = client(t);
    const res = await c.get(`${rs.url}/things`, { auth });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { client_id: 'svc-basic', scope: 'api:read' });
    const again = await c.get(`${rs.url}/things`, { auth });
    assert.equal(again.status, 200);
    await again.text();
    assert.deepEqual(as.tokenRequests, { client_credentials: 1 });
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]?.tokenType, 'Bearer');
    assert.ok((tokens[0]?.expiresAt ?? 0) > Date.now() + 500_000);
    assert.equal(auth.token, tokens[0]);
  });

  test('client auth in the body (client_secret_post)', async (t) => {
    const as = await startProvider(t);
    const rs = await startResourceServer(t, as.issuer);
    const auth = oauth2({
      grant: 'client_credentials',
      tokenUrl: as.tokenUrl,
      clientId: 'svc-post',
      clientSecret: secrets.post,
      clientAuth: 'body',
    });
    const res = await client(t).get(`${rs.url}/`, { auth });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { client_id: string }).client_id, 'svc-post');
  });

  test('token endpoint errors reject with AuthError carrying the OAuth error code', async (t) => {
    const as = await startProvider(t);
    const rs = await startResourceServer(t, as.issuer);
    const c = client(t);
    const wrongSecret = oauth2({ grant: 'client_credentials', tokenUrl: as.tokenUrl, clientId: 'svc-basic', clientSecret: 'nope' });
    await assert.rejects(c.get(`${rs.url}/`, { auth: wrongSecret }), (e: unknown) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.code, 'ERR_AUTH');
      assert.match(e.message, new RegExp(`^POST ${as.tokenUrl}: token endpoint refused: invalid_client`));
      assert.ok(!e.message.includes('nope'));
      return true;
    });
    const badScope = oauth2({
      grant: 'client_credentials',
      tokenUrl: as.tokenUrl,
      clientId: 'svc-post',
      clientSecret: secrets.post,
      clientAuth: 'body',
      scope: 'api:write',
    });
    await assert.rejects(c.get(`${rs.url}/`, { auth: badScope }), (e: unknown) => e instanceof AuthError && e.error === 'invalid_scope');
    assert.equal(rs.hits(), 0, 'nothing reached the resource server without a token');
  });

  test('expiry: a token is renewed shortly before it expires (ttl 2 s)', async (t) => {
    const as = await startProvider(t);
    const rs = await startResourceServer(t, as.issuer);
    const auth = oauth2({ grant: 'client_credentials', tokenUrl: as.tokenUrl, clientId: 'svc-short', clientSecret: secrets.basic });
    const c = client(t);
    assert.equal((await c.get(`${rs.url}/`, { auth })).status, 200);
    const first = auth.token;
    assert.equal(as.tokenRequests.client_credentials, 1);
    // With a 2 s lifetime the renewal margin is half of it (the default skew is 30 s).
    await new Promise((r) => setTimeout(r, 1100));
    const res = await c.get(`${rs.url}/`, { auth });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(as.tokenRequests.client_credentials, 2);
    assert.notEqual(auth.token?.accessToken, first?.accessToken);
  });

  test('single flight: 100 concurrent requests with an expired token cause exactly one token request', async (t) => {
    const as = await startProvider(t);
    const rs = await startResourceServer(t, as.issuer);
    let clock = Date.now();
    const auth = oauth2({
      grant: 'client_credentials',
      tokenUrl: as.tokenUrl,
      clientId: 'svc-basic',
      clientSecret: secrets.basic,
      now: () => clock,
    });
    const c = createClient({ cookies: false, retry: false, node: { connections: 20 } });
    t.after(() => c.close());
    // Cold start: 100 concurrent requests, no token yet.
    const cold = await Promise.all(Array.from({ length: 100 }, () => c.get(`${rs.url}/`, { auth }).then(statusAfterBody)));
    assert.deepEqual(new Set(cold), new Set([200]));
    assert.equal(as.tokenRequests.client_credentials, 1);
    // The token expires (per ferry's clock): 100 more at once → exactly one more token request.
    clock += 3_600_000;
    const expired = await Promise.all(Array.from({ length: 100 }, () => c.get(`${rs.url}/`, { auth }).then(statusAfterBody)));
    assert.deepEqual(new Set(expired), new Set([200]));
    assert.equal(as.tokenRequests.client_credentials, 2);
  });

  test('a revoked token: the 401 invalid_token brings one new token and one retry', async (t) => {
    const as = await startProvider(t);
    const rs = await startResourceServer(t, as.issuer);
    const auth = oauth2({ grant: 'client_credentials', tokenUrl: as.tokenUrl, clientId: 'svc-basic', clientSecret: secrets.basic });
    const c = client(t);
    assert.equal((await c.get(`${rs.url}/`, { auth })).status, 200);
    const revoked = auth.token?.accessToken as string;
    const r = await fetch(`${as.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`svc-basic:${secrets.basic}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: revoked, token_type_hint: 'access_token' }),
    });
    assert.equal(r.status, 200);
    const before = rs.hits();
    const res = await c.get(`${rs.url}/`, { auth });
    assert.equal(res.status, 200);
    await res.text();
    assert.equal(rs.hits() - before, 2, 'one 401, one retry');
    assert.equal(as.tokenRequests.client_credentials, 2);
    assert.notEqual(auth.token?.accessToken, revoked);
  });

  test('authorization code with PKCE (driven through the dev login and consent), then refresh_token grants', async (t) => {
    const as = await startProvider(t);
    // The user agent: follows the provider's redirects by hand, keeps its cookies.
    const browser = createClient({ redirect: 'manual', retry: false });
    t.after(() => browser.close());
    const { url, state, codeVerifier } = await buildAuthorizeUrl({
      authorizeUrl: `${as.issuer}/auth`,
      clientId: 'app',
      redirectUri,
      scope: 'openid offline_access',
      params: { prompt: 'consent' },
    });
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    let next = url.href;
    let code: string | null = null;
    for (let i = 0; i < 12 && code === null; i++) {
      let res = await browser.get(next);
      if (res.status === 200) {
        // An interaction page: log in, or grant consent.
        const html = await res.text();
        const action = new URL(/action="([^"]+)"/.exec(html)?.[1] as string, next).href;
        const form = html.includes('name="login"') ? { prompt: 'login', login: 'alice', password: 'x' } : { prompt: 'consent' };
        res = await browser.post(action, { form });
      } else await res.text();
      assert.ok(res.status >= 300 && res.status < 400, `expected a redirect, got ${res.status}`);
      const location = new URL(res.headers.get('location') as string, next);
      if (location.href.startsWith(redirectUri)) {
        assert.equal(location.searchParams.get('state'), state);
        code = location.searchParams.get('code');
      } else next = location.href;
      await res.text().catch(() => {});
    }
    assert.ok(code, 'got an authorization code');

    const persisted: OAuth2Token[] = [];
    let clock = Date.now();
    const auth = oauth2({
      grant: 'authorization_code',
      tokenUrl: as.tokenUrl,
      clientId: 'app',
      code,
      codeVerifier,
      redirectUri,
      onToken: (tok) => {
        persisted.push(tok);
      },
      now: () => clock,
    });
    const userinfo = `${as.issuer}/me`;
    const c = client(t);
    const me = await c.get(userinfo, { auth });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { sub: string }).sub, 'alice');
    assert.deepEqual(as.tokenRequests, { authorization_code: 1 });
    assert.ok(persisted[0]?.refreshToken, 'a refresh token came with the code exchange');

    // Expired (per ferry's clock): refreshed with the refresh token, not the (spent) code.
    clock += 3_600_000;
    const again = await c.get(userinfo, { auth });
    assert.equal(again.status, 200);
    await again.text();
    assert.deepEqual(as.tokenRequests, { authorization_code: 1, refresh_token: 1 });

    // A new scheme loads the persisted token (the onToken hook's job) and refreshes from it.
    const restored = oauth2({ grant: 'refresh_token', tokenUrl: as.tokenUrl, clientId: 'app', token: persisted.at(-1) as OAuth2Token });
    const third = await c.get(userinfo, { auth: restored });
    assert.equal(third.status, 200, 'the persisted access token is still good');
    await third.text();
    assert.deepEqual(as.tokenRequests, { authorization_code: 1, refresh_token: 1 });
    restored.reset();
    const fourth = await c.get(userinfo, { auth: restored });
    assert.equal(fourth.status, 200);
    await fourth.text();
    assert.deepEqual(as.tokenRequests, { authorization_code: 1, refresh_token: 2 });
  });
});
