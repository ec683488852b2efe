/**
 * OAuth 2.0 token endpoint requests (RFC 6749 §4–6): one POST through the client's own chain
 * below `auth`, its JSON answer turned into a token or an `AuthError` with the OAuth `error`.
 * @module
 */
import { bodyFromInput } from '../message/body.js';
import { lazyRequest } from '../message/request.js';
import { discardBody } from '../message/response-parts.js';
import type { ExchangeContext } from '../types.js';
import { AuthError, describe } from '../util/errors.js';
import { sendBelowAuth } from './scheme.js';

/** A token as ferry keeps it. */
export interface OAuth2Token {
  readonly accessToken: string;
  /** 'Bearer' unless the server said otherwise. */
  readonly tokenType: string;
  /** Epoch milliseconds, or undefined when the server gave no `expires_in`. */
  readonly expiresAt?: number | undefined;
  readonly refreshToken?: string | undefined;
  readonly scope?: string | undefined;
  /** The token response as the server sent it (id_token and extensions included). */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** How the client authenticates at the token endpoint. */
export type ClientAuthMethod = 'basic' | 'body';

/** The parts of the options a token request needs. */
export interface TokenEndpoint {
  readonly tokenUrl: URL;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly clientAuth: ClientAuthMethod;
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks for the Basic credentials. */
function formEncode(s: string): string {
  return new URLSearchParams({ v: s }).toString().slice(2);
}

/** Sends one token request and parses the answer; `now` stamps `expiresAt`. */
export async function requestToken(
  endpoint: TokenEndpoint,
  params: Readonly<Record<string, string | undefined>>,
  ctx: ExchangeContext,
  now: () => number,
): Promise<OAuth2Token> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.set(k, v);
  const headers: [string, string][] = [
    ['accept', 'application/json'],
    ['content-type', 'application/x-www-form-urlencoded;charset=UTF-8'],
  ];
  if (endpoint.clientAuth === 'basic' && endpoint.clientSecret !== undefined) {
    const pair = new TextEncoder().encode(`${formEncode(endpoint.clientId)}:${formEncode(endpoint.clientSecret)}`);
    let bin = '';
    for (const b of pair) bin += String.fromCharCode(b);
    headers.push(['authorization', `Basic ${btoa(bin)}`]);
  } else {
    form.set('client_id', endpoint.clientId);
    if (endpoint.clientSecret !== undefined) form.set('client_secret', endpoint.clientSecret);
  }
  const request = lazyRequest({ url: endpoint.tokenUrl, method: 'POST', headers, body: bodyFromInput(form.toString()) });
  const send = sendBelowAuth(ctx);
  const started = now();
  let response: Response;
  try {
    response = await send(request, { ...ctx, signal: undefined, state: {} });
  } catch (cause) {
    throw new AuthError(describe('token request failed', request), undefined, { cause, request });
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    discardBody(response);
  }
  if (!response.ok || body === undefined || typeof body.access_token !== 'string') {
    const error = typeof body?.error === 'string' ? body.error : undefined;
    const description = typeof body?.error_description === 'string' ? ` (${body.error_description})` : '';
    const what = error
      ? `token endpoint refused: ${error}${description}`
      : `token endpoint answered HTTP ${response.status} without an access_token`;
    throw new AuthError(describe(what, request), { ...(error ? { error } : {}), response }, { request });
  }
  const expiresIn = Number(body.expires_in);
  return Object.freeze({
    accessToken: body.access_token,
    tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? started + expiresIn * 1000 : undefined,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    raw: Object.freeze({ ...body }),
  });
}
