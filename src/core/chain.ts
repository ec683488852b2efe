/**
 * The default middleware chain, outermost first:
 * `timeout → retry → redirects → cookies → auth → decompress → events → transport`.
 * Each redirect hop re-enters everything below `redirects`, so cookies, auth and signing are
 * applied per hop. Each factory runs once per client; each middleware costs nothing when its
 * feature is idle for a request.
 * @module
 */
import { auth } from './auth/middleware.js';
import type { ClientInternals } from './client.js';
import type { Middleware } from './middleware.js';

/** The built-in middleware for a client, in chain order. */
export function defaultMiddleware(_client: ClientInternals): Middleware[] {
  return [auth()];
}
