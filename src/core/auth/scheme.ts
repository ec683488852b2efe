/**
 * The auth scheme contract: httpx-style flows driven by one `auth()` middleware.
 * @module
 */
import type { ExchangeContext } from '../context.js';

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
  flow(request: Request, ctx: ExchangeContext): AuthFlow;
}
