/**
 * The `auth()` middleware: drives the auth scheme of `ctx.options.auth` for every hop.
 * It sits inside `redirects`, so each hop is signed or answered for its own URL, and it
 * applies credentials only to the origin of the original request (plus the scheme's
 * `origins`): a cross-origin hop goes out without them.
 * @module
 */
import { isReplayable } from '../body.js';
import type { ExchangeContext } from '../context.js';
import type { Middleware, Next } from '../middleware.js';
import { publish, requestParts } from '../request.js';
import { discardBody } from '../response.js';
import { takesLazyRequests, transportSender } from '../transport.js';
import type { AuthScheme } from './scheme.js';

/** ctx.state key: the origin of the first hop (the request the credentials were given for). */
export const authOriginKey = 'ferry.auth.origin';
const nextKey = 'ferry.auth.next';

/** Follow-ups one hop may take (challenge answers, stale nonces, token refreshes). */
const maxRounds = 4;

/**
 * Sends a request through the chain below `auth` (decompression, events, the transport):
 * what a scheme uses for its own requests (OAuth2 token requests), so the client's transport,
 * proxies and TLS policy apply. Outside the middleware it falls back to the transport.
 * @example
 * async *flow(request, ctx) {
 *   const res = await sendBelowAuth(ctx)(createRequest({ url, method: 'POST', headers, body }), { ...ctx, state: {} });
 * }
 */
export function sendBelowAuth(ctx: ExchangeContext): Next {
  const next = ctx.state[nextKey];
  return typeof next === 'function' ? (next as Next) : (request, c) => transportSender(c.transport)(request, c);
}

/** Whether `scheme`'s credentials apply to a hop to `origin`; records the first hop's origin. */
export function credentialsApply(scheme: AuthScheme, origin: string, ctx: ExchangeContext): boolean {
  let original = ctx.state[authOriginKey];
  if (typeof original !== 'string') {
    original = origin;
    ctx.state[authOriginKey] = origin;
  }
  return origin === original || scheme.origins?.includes(origin) === true;
}

async function drive(scheme: AuthScheme, request: Request, next: Next, ctx: ExchangeContext): Promise<Response> {
  ctx.state[nextKey] = next;
  const resendable = isReplayable(requestParts(request).body);
  const flow = scheme.flow(takesLazyRequests(scheme) ? request : publish(request), ctx);
  let step = await flow.next();
  if (step.done) return next(request, ctx);
  let response: Response;
  try {
    response = await next(step.value, ctx);
  } catch (e) {
    await flow.return();
    throw e;
  }
  for (let round = 0; ; round++) {
    try {
      step = await flow.next(response);
    } catch (e) {
      // With a one-shot body the flow may fail building a follow-up from the consumed
      // request (real Requests refuse a disturbed body); the challenge is then the answer.
      if (!resendable) return response;
      discardBody(response);
      throw e;
    }
    if (step.done) return response;
    if (!resendable || round >= maxRounds) {
      // A one-shot body cannot be sent again: the challenge response is the answer.
      await flow.return();
      return response;
    }
    discardBody(response);
    try {
      response = await next(step.value, ctx);
    } catch (e) {
      await flow.return();
      throw e;
    }
  }
}

/**
 * The auth middleware: drives `scheme`, or (in the default chain) the request's
 * `ctx.options.auth`. Costs one property read per hop when there is none.
 * @example
 * // The default chain already holds auth(); a fixed scheme for a custom stack:
 * const client = createClient({ middleware: [auth(bearer(process.env.TOKEN ?? ''))] });
 */
export function auth(scheme?: AuthScheme): Middleware {
  return (request, next, ctx) => {
    const active = scheme ?? ctx.options.auth;
    if (active === undefined) return next(request, ctx);
    if (!credentialsApply(active, requestParts(request).url.origin, ctx)) return next(request, ctx);
    return drive(active, request, next, ctx);
  };
}
