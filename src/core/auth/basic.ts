/**
 * HTTP Basic authentication (RFC 7617), UTF-8 safe.
 * @module
 */
import { markReadsRequestParts } from '../message/reads-request-parts.js';
import type { AuthFlow, AuthScheme } from '../types.js';
import { toBase64 } from '../util/encoding.js';
import { InvalidOptionError } from '../util/errors.js';
import { type SchemeScope, scopeOrigins } from './scheme.js';
import { withHeader } from './with-header.js';

/**
 * The `Authorization` value for `user`/`pass`: `Basic base64(utf8(user:pass))`.
 * @example
 * basicCredentials('Aladdin', 'open sesame'); // 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
 */
export function basicCredentials(user: string, pass: string): string {
  return `Basic ${toBase64(new TextEncoder().encode(`${user}:${pass}`))}`;
}

/**
 * Basic auth: sends `Authorization: Basic …` on every hop to the original origin (and
 * `origins`). User and password are encoded as UTF-8 (RFC 7617 `charset="UTF-8"`).
 * @example
 * const client = createClient({ auth: basicAuth('aladdin', 'opensesame') });
 * await client.get('http://127.0.0.1:8080/private');
 */
export function basicAuth(user: string, pass: string, options?: SchemeScope): AuthScheme {
  if (typeof user !== 'string' || typeof pass !== 'string')
    throw new InvalidOptionError('auth', 'auth: basicAuth needs a user and a password string');
  if (user.includes(':')) throw new InvalidOptionError('auth', 'auth: a basic auth user name cannot contain ":" (RFC 7617)');
  const value = basicCredentials(user, pass);
  const origins = scopeOrigins(options);
  return markReadsRequestParts({
    scheme: 'basic',
    ...(origins ? { origins } : {}),
    async *flow(request): AuthFlow {
      yield withHeader(request, 'authorization', value);
    },
  });
}

/**
 * The basic scheme for credentials found in a URL (`http://user:pass@host/`), percent-decoded
 * and scoped to that URL's origin.
 */
export function urlCredentials(url: URL): AuthScheme {
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const value = basicCredentials(decode(url.username), decode(url.password));
  const origins = Object.freeze([url.origin]);
  return markReadsRequestParts({
    scheme: 'basic',
    origins,
    async *flow(request): AuthFlow {
      yield withHeader(request, 'authorization', value);
    },
  });
}
