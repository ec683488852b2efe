/**
 * `redirects → cookies → auth → decompress` as one middleware of the default chain, with
 * the same behaviour as the four in a row (each hop of a redirect still re-enters cookies,
 * auth and decompress).
 *
 * Each of the four used to wait for the response with a continuation of its own: a promise,
 * a closure and its context, all alive while the server answers (so copied by every
 * young-generation GC meanwhile), and a microtask after it. When the jar has nothing to add,
 * there are no per-request cookies and no `auth` (most requests), the four share one
 * continuation instead; any other request takes the four middleware as they are.
 * @module
 */
import { auth } from '../auth/middleware.js';
import type { ClientInternals } from '../client.js';
import { compose, type Middleware, type Next } from '../middleware.js';
import { requestParts } from '../request.js';
import { cookieSteps } from './cookies.js';
import { decompressSteps } from './decompress.js';
import { afterHop, redirects } from './redirects.js';

interface Composed {
  /** The four middleware over `next`. */
  readonly whole: Next;
  /** What a redirect hop re-enters: cookies, auth and decompress over `next`. */
  readonly below: Next;
}

/**
 * Creates the fused middleware for a client (see the module doc).
 * @example
 * compose([hopSteps(internals)], transportSender(transport));
 */
export function hopSteps(internals: ClientInternals): Middleware {
  const cookies = cookieSteps(internals);
  const decompress = decompressSteps(internals);
  const four = [redirects(), cookies.middleware, auth(), decompress.middleware];
  // `next` is fixed per chain (compose builds it once); a client has one chain for requests
  // and one for WebSocket upgrades.
  const byNext = new WeakMap<Next, Composed>();
  let lastNext: Next | null = null;
  let last: Composed | null = null;
  const composed = (next: Next): Composed => {
    if (next === lastNext) return last as Composed;
    let c = byNext.get(next);
    if (c === undefined) {
      c = { whole: compose(four, next), below: compose(four.slice(1), next) };
      byNext.set(next, c);
    }
    lastNext = next;
    last = c;
    return c;
  };

  return (request, next, ctx) => {
    const c = composed(next);
    const jar = ctx.options.auth === undefined ? cookies.idle(ctx) : null;
    if (jar === null) return c.whole(request, ctx);
    const sentBody = requestParts(request).body;
    const out = decompress.before(request);
    return next(out, ctx).then((res) => {
      const decoded = decompress.after(res, out, ctx);
      const kept = jar === undefined ? decoded : cookies.stored(decoded, request, jar);
      return kept instanceof Promise
        ? kept.then((k) => afterHop(k, request, sentBody, c.below, ctx))
        : afterHop(kept, request, sentBody, c.below, ctx);
    });
  };
}
