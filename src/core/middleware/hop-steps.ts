/**
 * `redirects → cookies → auth → decompress` as one middleware of the default chain, with
 * the same behaviour as the four in a row (each hop of a redirect still re-enters cookies,
 * auth and decompress).
 *
 * Each of the four used to wait for the response with a continuation of its own: a promise,
 * a closure and its context, all alive while the server answers (so copied by every
 * young-generation GC meanwhile), and a microtask after it. When the jar has nothing to add,
 * there are no per-request cookies and no `auth` (most requests), the four share one
 * continuation instead, which can also carry what the middleware above them do with the
 * response (see `lane` in chain.ts); any other request takes the four middleware as they are.
 * @module
 */
import { auth } from '../auth/middleware.js';
import type { RequestBody } from '../body.js';
import type { ClientInternals } from '../client.js';
import type { ExchangeContext } from '../context.js';
import { compose, type Middleware, type Next, nextAsPromise } from '../middleware.js';
import { requestParts } from '../request.js';
import { cookieSteps } from './cookies.js';
import { decompressSteps } from './decompress.js';
import { afterHop, redirects } from './redirects.js';

/** What the middleware above do with the response of the four, in the same continuation. */
export type AfterHops = (
  res: Response,
  request: Request,
  sentBody: RequestBody | null,
  ctx: ExchangeContext,
) => Response | Promise<Response>;
/** What they do with a failure (rethrow, or recover). */
export type FailedHops = (
  error: unknown,
  request: Request,
  sentBody: RequestBody | null,
  ctx: ExchangeContext,
) => Response | Promise<Response>;

/** The four middleware as one, and their idle case with the caller's steps in one continuation. */
export interface HopSteps {
  readonly middleware: Middleware;
  /**
   * Sends `request` through the four (idle) and applies `then` (or `fail`) in the same
   * continuation; null when the four are not idle for this request (it must take `middleware`).
   */
  fast(request: Request, next: Next, ctx: ExchangeContext, then: AfterHops, fail: FailedHops | undefined): Promise<Response> | null;
}

interface Composed {
  /** The four middleware over `next`. */
  readonly whole: Next;
  /** What a redirect hop re-enters: cookies, auth and decompress over `next`. */
  readonly below: Next;
}

const asIs: AfterHops = (res) => res;

/**
 * Creates the fused middleware for a client (see the module doc).
 * @example
 * compose([hopSteps(internals).middleware], transportSender(transport));
 */
export function hopSteps(internals: ClientInternals): HopSteps {
  const cookies = cookieSteps(internals);
  const decompress = decompressSteps(internals);
  const four = [redirects(), cookies.middleware, auth(), decompress.middleware];
  // `next` is fixed per chain (compose builds it once); a client has a few chains (requests,
  // the lane, WebSocket upgrades).
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

  const fast: HopSteps['fast'] = (request, next, ctx, then, fail) => {
    const jar = ctx.options.auth === undefined ? cookies.idle(ctx) : null;
    if (jar === null) return null;
    const below = composed(next).below;
    const sentBody = requestParts(request).body;
    const out = decompress.before(request);
    const failed = fail && ((error: unknown) => fail(error, request, sentBody, ctx));
    return nextAsPromise(next, out, ctx).then((res) => {
      let kept: Response | Promise<Response>;
      try {
        const decoded = decompress.after(res, out, ctx);
        const stored = jar === undefined ? decoded : cookies.stored(decoded, request, jar);
        kept =
          stored instanceof Promise
            ? stored.then((k) => afterHop(k, request, sentBody, below, ctx))
            : afterHop(stored, request, sentBody, below, ctx);
      } catch (error) {
        if (failed) return failed(error);
        throw error;
      }
      return kept instanceof Promise ? kept.then((k) => then(k, request, sentBody, ctx), failed) : then(kept, request, sentBody, ctx);
    }, failed);
  };

  return {
    middleware: (request, next, ctx) => fast(request, next, ctx, asIs, undefined) ?? composed(next).whole(request, ctx),
    fast,
  };
}
