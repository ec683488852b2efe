/**
 * Bearer tokens (RFC 6750), fixed or produced per hop.
 * @module
 */
import { markReadsRequestParts } from '../message/reads-request-parts.js';
import type { AuthFlow, AuthScheme } from '../types.js';
import { AuthError, describe, InvalidOptionError } from '../util/errors.js';
import { type SchemeScope, scopeOrigins } from './scheme.js';
import { withHeader } from './with-header.js';

/** A token, or a function giving one (sync or async), called for every hop. */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * Bearer auth: `Authorization: Bearer <token>` on every hop to the original origin (and
 * `origins`). A function is called per hop, so it may hand out a fresh token each time.
 * @example
 * const client = createClient({ auth: bearer(async () => (await vault.read('api')).token) });
 */
export function bearer(token: TokenSource, options?: SchemeScope): AuthScheme {
  if (typeof token !== 'string' && typeof token !== 'function')
    throw new InvalidOptionError('auth', 'auth: bearer() expects a token or a function');
  const origins = scopeOrigins(options);
  return markReadsRequestParts({
    scheme: 'bearer',
    ...(origins ? { origins } : {}),
    async *flow(request): AuthFlow {
      const value = typeof token === 'string' ? token : await token();
      if (typeof value !== 'string' || /[\r\n\0]/.test(value))
        throw new AuthError(describe('the bearer token must be a string without CR, LF or NUL', request));
      yield withHeader(request, 'authorization', `Bearer ${value}`);
    },
  });
}
