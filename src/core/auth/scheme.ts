/**
 * The auth scheme contract: httpx-style flows driven by one `auth()` middleware.
 * @module
 */
import type { ExchangeContext } from '../context.js';
import { InvalidOptionError } from '../errors.js';

/**
 * An authentication flow for one hop: yield the request to send, receive its response, and
 * yield a follow-up (challenge → answer) or return. The middleware sends each yielded request
 * and hands back the response; the last response is the hop's result.
 */
export type AuthFlow = AsyncGenerator<Request, void, Response>;

/** An auth scheme (basic, digest, bearer, OAuth1, OAuth2 …). */
export interface AuthScheme {
  /** 'basic' | 'digest' | 'bearer' | 'oauth1' | 'oauth2' | a custom name. */
  readonly scheme: string;
  /** True when the flow may resend the request body (the body must then be replayable). */
  readonly requiresBody?: boolean;
  /**
   * Origins (`scheme://host:port`) the credentials also apply to, besides the origin of the
   * request they were given for. A hop to any other origin is sent without them.
   */
  readonly origins?: readonly string[];
  flow(request: Request, ctx: ExchangeContext): AuthFlow;
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
