/**
 * The `auth()` step: drives the auth scheme of `ctx.options.auth` for every hop.
 * It sits inside `redirects`, so each hop is signed or answered for its own URL, and it
 * applies credentials only to the origin of the original request (plus the scheme's
 * `origins`): a cross-origin hop goes out without them.
 * @module
 */
import { belowAuthKey } from '../auth/scheme.js';
import { isReplayable } from '../message/body.js';
import { takesLazyRequests } from '../message/reads-request-parts.js';
import { platformRequest } from '../message/request.js';
import { requestParts } from '../message/request-parts.js';
import { discardBody } from '../message/response-parts.js';
import type { AuthScheme, ExchangeContext, Next, Step } from '../types.js';
import { defineStep } from './step.js';

/** ctx.state key: the origin of the first hop (the request the credentials were given for). */
const authOriginKey = 'ferry.auth.origin';

/** Follow-ups one hop may take (challenge answers, stale nonces, token refreshes). */
const maxRounds = 4;

/** Whether `scheme`'s credentials apply to a hop to `origin`; records the first hop's origin. */
function credentialsApply(scheme: AuthScheme, origin: string, ctx: ExchangeContext): boolean {
  let original = ctx.state[authOriginKey];
  if (typeof original !== 'string') {
    original = origin;
    ctx.state[authOriginKey] = origin;
  }
  return origin === original || scheme.origins?.includes(origin) === true;
}

async function drive(scheme: AuthScheme, request: Request, next: Next, ctx: ExchangeContext): Promise<Response> {
  ctx.state[belowAuthKey] = next;
  const resendable = isReplayable(requestParts(request).body);
  const flow = scheme.flow(takesLazyRequests(scheme) ? request : platformRequest(request), ctx);
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
 * The auth step: drives `scheme`, or (in the default chain) the request's `ctx.options.auth`.
 * A request without one idles here.
 * @example
 * // The default chain already holds auth(); a fixed scheme for a chain of your own:
 * const send = compile([auth(bearer(token))], transportSender(transport));
 */
export function auth(scheme?: AuthScheme): Step {
  return defineStep({
    name: 'auth',
    idle: (_request, ctx) => (scheme ?? ctx.options.auth) === undefined,
    work(request, next, ctx) {
      const active = (scheme ?? ctx.options.auth) as AuthScheme;
      if (!credentialsApply(active, requestParts(request).url.origin, ctx)) return next(request, ctx);
      return drive(active, request, next, ctx);
    },
  });
}
