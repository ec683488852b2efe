/**
 * The default middleware chain, outermost first:
 * `timeout → retry → redirects → cookies → auth → decompress → events → transport`,
 * with two small helpers from issue 6 at the ends: `processedEvents` outermost (emits
 * `dataProcessed` on the body the caller reads, after decoding) and `hopTimeouts` innermost
 * (per-hop phase timeouts the transport cannot enforce itself), and `integrity` (issue 8)
 * between `timeout` and `retry`: it verifies the final, decoded body against the request's
 * `integrity` where the platform does not.
 * Each redirect hop re-enters everything below `redirects`, so cookies, auth and signing are
 * applied per hop. `redirects`, `cookies`, `auth` and `decompress` come as one middleware
 * (`hopSteps`) that behaves as the four in a row and costs one continuation when they idle.
 * Each factory runs once per client; each middleware costs nothing when its feature is idle
 * for a request.
 * @module
 */
import type { ClientInternals } from './client.js';
import type { ExchangeContext } from './context.js';
import { events, processedEvents, processedEventsIdle } from './middleware/events.js';
import { type AfterHops, type FailedHops, hopSteps } from './middleware/hop-steps.js';
import { integrity, integrityIdle } from './middleware/integrity.js';
import { afterFirstAttempt, afterFirstFailure, retry, retryApplies } from './middleware/retry.js';
import { hopTimeouts, timeout, totalTimeoutIdle } from './middleware/timeout.js';
import { compose, type Middleware, type Next } from './middleware.js';
import type { FerryResponse } from './response.js';

/** What the client does with the chain's response (as the caller gets it). */
export type HandOut = (response: Response, request: Request, ctx: ExchangeContext) => FerryResponse;

/** The default chain of a client. */
export interface DefaultChain {
  /** The built-in middleware, in chain order (below the user's). */
  readonly middleware: readonly Middleware[];
  /**
   * The whole default chain in one continuation, `handOut` included, for a request every
   * middleware above `hopSteps` leaves alone (no `dataProcessed` listener, no total timeout,
   * no integrity to check here; retry's check after the first attempt is carried along) and
   * that `hopSteps` can take idle; null otherwise (the request then takes `middleware`).
   * Only without user middleware: theirs may do anything with the response.
   */
  lane(request: Request, ctx: ExchangeContext): Promise<FerryResponse> | null;
}

/** The built-in middleware for a client, and its lane over `send` (see DefaultChain). */
export function defaultChain(client: ClientInternals, send: Next, handOut: HandOut): DefaultChain {
  const hop = hopSteps(client);
  const tail = [events(), hopTimeouts()];
  const middleware = [processedEvents(), timeout(), integrity(), retry(), hop.middleware, ...tail];
  const belowHop = compose(tail, send);
  const belowRetry = compose([hop.middleware, ...tail], send);

  const plain: AfterHops = (res, request, _body, ctx) => handOut(res, request, ctx);
  const retried: AfterHops = (res, request, body, ctx) => {
    const out = afterFirstAttempt(res, request, body, belowRetry, ctx);
    return out instanceof Promise ? out.then((r) => handOut(r, request, ctx)) : handOut(out, request, ctx);
  };
  const failed: FailedHops = (error, request, body, ctx) =>
    afterFirstFailure(error, request, body, belowRetry, ctx).then((r) => handOut(r, request, ctx));

  return {
    middleware,
    lane(request, ctx) {
      if (!processedEventsIdle(ctx) || !totalTimeoutIdle(ctx) || !integrityIdle(ctx)) return null;
      const retrying = retryApplies(request, ctx);
      return hop.fast(request, belowHop, ctx, retrying ? retried : plain, retrying ? failed : undefined) as Promise<FerryResponse> | null;
    },
  };
}
