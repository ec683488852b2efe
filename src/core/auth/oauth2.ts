/**
 * OAuth 2.0 (RFC 6749) for a client: gets, caches and refreshes an access token and sends it
 * as a bearer token. Grants: client_credentials, password, refresh_token and
 * authorization_code with PKCE. Token requests go through the client's own chain below
 * `auth` (its transport, proxies, TLS policy), one at a time: concurrent requests that need
 * a token share one token request (single flight).
 * @module
 */
import { markReadsRequestParts } from '../message/reads-request-parts.js';
import { responseHeader } from '../message/response-parts.js';
import type { AuthFlow, AuthScheme, ExchangeContext } from '../types.js';
import { AuthError, describe, InvalidOptionError } from '../util/errors.js';
import { parseChallenges } from './challenge.js';
import { type ClientAuthMethod, type OAuth2Token, requestToken, type TokenEndpoint } from './oauth2-token.js';
import { type SchemeScope, scopeOrigins } from './scheme.js';
import { withHeader } from './with-header.js';

export type { ClientAuthMethod, OAuth2Token } from './oauth2-token.js';

export type OAuth2Grant = 'client_credentials' | 'refresh_token' | 'password' | 'authorization_code';

/** Options for `oauth2()`. */
export interface OAuth2Options extends SchemeScope {
  readonly grant: OAuth2Grant;
  readonly tokenUrl: string | URL;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** 'basic' (HTTP Basic, the default when there is a secret) or 'body' (client_id/client_secret in the form). */
  readonly clientAuth?: ClientAuthMethod;
  readonly scope?: string | readonly string[];
  /** Extra token request parameters (e.g. `audience`, `resource`). */
  readonly params?: Readonly<Record<string, string>>;
  /** password grant. */
  readonly username?: string;
  readonly password?: string;
  /** refresh_token grant: the refresh token to start from. */
  readonly refreshToken?: string;
  /** authorization_code grant: the code from the callback, its PKCE verifier and redirect URI. */
  readonly code?: string;
  readonly codeVerifier?: string;
  readonly redirectUri?: string;
  /** A token to start with (e.g. one persisted by `onToken`). */
  readonly token?: OAuth2Token;
  /** Called with every new token (to persist it); awaited before the request goes on. */
  readonly onToken?: (token: OAuth2Token) => void | Promise<void>;
  /**
   * Renew this long before expiry (ms, default 30 000); for short-lived tokens at most half
   * their lifetime.
   */
  readonly skew?: number;
  /** Clock in epoch ms (default `Date.now`); for tests. */
  readonly now?: () => number;
}

/** The oauth2 scheme, with access to its current token. */
export interface OAuth2Scheme extends AuthScheme {
  /** The cached token, if any. */
  readonly token: OAuth2Token | undefined;
  /** Drops the cached token; the next request gets a new one. */
  reset(): void;
}

const grants: readonly OAuth2Grant[] = ['client_credentials', 'refresh_token', 'password', 'authorization_code'];

function fail(option: string, what: string): never {
  throw new InvalidOptionError(`auth.${option}`, `auth.${option}: ${what}`);
}

function isInvalidToken(response: Response): boolean {
  if (response.status !== 401) return false;
  return parseChallenges(responseHeader(response, 'www-authenticate')).some(
    (c) => c.scheme === 'bearer' && c.params.error === 'invalid_token',
  );
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * OAuth 2.0: fetches a token with the configured grant, caches it until shortly before it
 * expires, refreshes it with the refresh token when there is one, and on a `401` with
 * `error="invalid_token"` gets a new one and retries once. Token endpoint errors reject
 * with `AuthError` whose `error` is the OAuth error code.
 * @example
 * const client = createClient({
 *   auth: oauth2({ grant: 'client_credentials', tokenUrl: 'http://127.0.0.1:3000/token', clientId: 'svc', clientSecret: 's3cret', scope: 'api' }),
 * });
 * await client.get('http://127.0.0.1:8080/api/things');
 */
export function oauth2(options: OAuth2Options): OAuth2Scheme {
  if (typeof options !== 'object' || options === null) fail('grant', 'expected { grant, tokenUrl, clientId, … }');
  const { grant } = options;
  if (!grants.includes(grant)) fail('grant', `expected one of ${grants.join(', ')}`);
  if (typeof options.clientId !== 'string' || options.clientId === '') fail('clientId', 'expected a string');
  let tokenUrl: URL;
  try {
    tokenUrl = new URL(String(options.tokenUrl));
  } catch {
    fail('tokenUrl', 'expected an absolute URL');
  }
  if (tokenUrl.protocol !== 'http:' && tokenUrl.protocol !== 'https:') fail('tokenUrl', 'expected an http(s) URL');
  if (grant === 'password' && (typeof options.username !== 'string' || typeof options.password !== 'string'))
    fail('username', 'the password grant needs username and password');
  if (grant === 'refresh_token' && typeof options.refreshToken !== 'string' && !options.token?.refreshToken)
    fail('refreshToken', 'the refresh_token grant needs a refresh token');
  if (grant === 'authorization_code' && typeof options.code !== 'string' && !options.token)
    fail('code', 'the authorization_code grant needs the code (or a token to start from)');
  const skew = options.skew ?? 30_000;
  if (typeof skew !== 'number' || !(skew >= 0)) fail('skew', 'expected a non-negative number of ms');
  const now = options.now ?? Date.now;
  const endpoint: TokenEndpoint = {
    tokenUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    clientAuth: options.clientAuth ?? (options.clientSecret === undefined ? 'body' : 'basic'),
  };
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  const origins = scopeOrigins(options);

  let current: OAuth2Token | undefined = options.token;
  let refreshToken = options.token?.refreshToken ?? options.refreshToken;
  let code = options.code;
  let inflight: Promise<OAuth2Token> | undefined;
  let issuedAt = now();

  const fresh = (t: OAuth2Token): boolean => {
    if (t.expiresAt === undefined) return true;
    const lifetime = Math.max(0, t.expiresAt - issuedAt);
    return now() < t.expiresAt - Math.min(skew, lifetime / 2);
  };

  const primary = (ctx: ExchangeContext): Promise<OAuth2Token> => {
    const extra = options.params ?? {};
    switch (grant) {
      case 'client_credentials':
        return requestToken(endpoint, { ...extra, grant_type: 'client_credentials', scope }, ctx, now);
      case 'password':
        return requestToken(
          endpoint,
          { ...extra, grant_type: 'password', username: options.username, password: options.password, scope },
          ctx,
          now,
        );
      case 'authorization_code': {
        if (code === undefined)
          throw new AuthError(
            describe('no refresh token left and the authorization code was used', { method: 'POST', url: tokenUrl.href }),
          );
        const once = code;
        code = undefined; // a code is single-use
        return requestToken(
          endpoint,
          {
            ...extra,
            grant_type: 'authorization_code',
            code: once,
            code_verifier: options.codeVerifier,
            redirect_uri: options.redirectUri,
          },
          ctx,
          now,
        );
      }
      default:
        throw new AuthError(
          describe('the refresh token was refused and there is no other grant to fall back on', { method: 'POST', url: tokenUrl.href }),
        );
    }
  };

  const obtain = async (ctx: ExchangeContext): Promise<OAuth2Token> => {
    const started = now();
    let token: OAuth2Token;
    if (refreshToken !== undefined) {
      try {
        token = await requestToken(
          endpoint,
          { ...(options.params ?? {}), grant_type: 'refresh_token', refresh_token: refreshToken, scope },
          ctx,
          now,
        );
      } catch (e) {
        // An expired or revoked refresh token: start over with the grant where one can.
        if (
          !(e instanceof AuthError) ||
          e.error !== 'invalid_grant' ||
          grant === 'refresh_token' ||
          (grant === 'authorization_code' && code === undefined)
        )
          throw e;
        refreshToken = undefined;
        token = await primary(ctx);
      }
    } else token = await primary(ctx);
    if (token.refreshToken === undefined && refreshToken !== undefined) token = Object.freeze({ ...token, refreshToken });
    refreshToken = token.refreshToken;
    await options.onToken?.(token);
    issuedAt = started;
    current = token;
    return token;
  };

  /** The current token, or a new one when it is missing, expiring, or `stale`. One request at a time. */
  const get = (ctx: ExchangeContext, stale?: OAuth2Token): Promise<OAuth2Token> => {
    if (current && current !== stale && fresh(current)) return Promise.resolve(current);
    inflight ??= obtain(ctx).finally(() => {
      inflight = undefined;
    });
    return abortable(inflight, ctx.signal);
  };

  return markReadsRequestParts({
    scheme: 'oauth2',
    ...(origins ? { origins } : {}),
    get token() {
      return current;
    },
    reset() {
      current = undefined;
    },
    async *flow(request, ctx): AuthFlow {
      const token = await get(ctx);
      const response = yield withHeader(request, 'authorization', `Bearer ${token.accessToken}`);
      if (!isInvalidToken(response)) return;
      const renewed = await get(ctx, token);
      yield withHeader(request, 'authorization', `Bearer ${renewed.accessToken}`);
    },
  });
}
