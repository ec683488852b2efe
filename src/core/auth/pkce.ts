/**
 * PKCE (RFC 7636) and the authorization request of the authorization-code grant.
 * @module
 */
import { randomBytes } from '../util/encoding.js';

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  /** 43 characters from 32 random bytes (RFC 7636 §4.1). */
  readonly verifier: string;
  /** BASE64URL(SHA-256(verifier)). */
  readonly challenge: string;
  readonly method: 'S256';
}

/**
 * A fresh PKCE pair: a random verifier and its S256 challenge.
 * @example
 * const { verifier, challenge } = await createPkcePair();
 */
export async function createPkcePair(verifier: string = base64url(randomBytes(32))): Promise<PkcePair> {
  if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) throw new TypeError('PKCE verifier: 43–128 characters of A-Z a-z 0-9 - . _ ~');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64url(digest), method: 'S256' };
}

/** What `buildAuthorizeUrl` needs. */
export interface AuthorizeUrlOptions {
  readonly authorizeUrl: string | URL;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope?: string | readonly string[];
  /** Default: 16 random bytes, base64url. */
  readonly state?: string;
  /** Further parameters (e.g. `audience`, `prompt`, `nonce`). */
  readonly params?: Readonly<Record<string, string>>;
}

/** The authorize URL, plus the state and the PKCE verifier to keep until the callback. */
export interface AuthorizeRequest {
  readonly url: URL;
  readonly state: string;
  readonly codeVerifier: string;
}

/**
 * Builds the authorization request URL (RFC 6749 §4.1.1) with an S256 PKCE challenge and a
 * random `state`. Keep `state` and `codeVerifier`; check the state on the callback and hand
 * the code and verifier to `oauth2({ grant: 'authorization_code', code, codeVerifier, … })`.
 * @example
 * const { url, state, codeVerifier } = await buildAuthorizeUrl({
 *   authorizeUrl: 'http://127.0.0.1:3000/auth', clientId: 'app', redirectUri: 'http://127.0.0.1:8080/cb', scope: 'openid',
 * });
 */
export async function buildAuthorizeUrl(options: AuthorizeUrlOptions): Promise<AuthorizeRequest> {
  const pkce = await createPkcePair();
  const state = options.state ?? base64url(randomBytes(16));
  const url = new URL(String(options.authorizeUrl));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  if (scope) url.searchParams.set('scope', scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', pkce.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [k, v] of Object.entries(options.params ?? {})) url.searchParams.set(k, v);
  return { url, state, codeVerifier: pkce.verifier };
}
