/**
 * The auth scheme contract (`AuthScheme` in types.ts): httpx-style flows driven by one
 * `auth()` step, and what schemes share.
 * @module
 */
import { transportSender } from '../message/reads-request-parts.js';
import type { ExchangeContext, Next } from '../types.js';
import { InvalidOptionError } from '../util/errors.js';

/** ctx.state key under which the auth step leaves the chain below it (see `sendBelowAuth`). */
export const belowAuthKey = 'ferry.auth.next';

/**
 * Sends a request through the chain below the auth step (decompression, events, the
 * transport): what a scheme uses for its own requests (OAuth2 token requests), so the
 * client's transport, proxies and TLS policy apply. Outside the step it falls back to the
 * transport.
 * @example
 * async *flow(request, ctx) {
 *   const res = await sendBelowAuth(ctx)(createRequest({ url, method: 'POST', headers, body }), { ...ctx, state: {} });
 * }
 */
export function sendBelowAuth(ctx: ExchangeContext): Next {
  const next = ctx.state[belowAuthKey];
  return typeof next === 'function' ? (next as Next) : (request, c) => transportSender(c.transport)(request, c);
}

/** Options every built-in scheme takes. */
export interface SchemeScope {
  /**
   * Further origins (or URLs, of which the origin counts) the credentials apply to. By default
   * they apply to the origin of the original request only; redirects elsewhere get none.
   */
  readonly origins?: readonly (string | URL)[];
}

/** Normalises `origins` to origin strings; throws InvalidOptionError on an unparsable entry. */
export function scopeOrigins(scope: SchemeScope | undefined): readonly string[] | undefined {
  const list = scope?.origins;
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new InvalidOptionError('auth.origins', 'auth.origins: expected an array of origins');
  return Object.freeze(
    list.map((o) => {
      try {
        return new URL(String(o)).origin;
      } catch {
        throw new InvalidOptionError('auth.origins', `auth.origins: not an origin: ${String(o)}`);
      }
    }),
  );
}
