/**
 * What a client puts around its chain: the step that turns the chain's response into what
 * the caller gets (a FerryResponse, or an HTTPStatusError with `throwHttpErrors`), and the
 * wrapper that shows a user's middleware requests it may hand to the platform.
 * @module
 */
import { takesLazyRequests } from '../message/reads-request-parts.js';
import { platformRequest } from '../message/request.js';
import { FerryResponse } from '../message/response.js';
import { deriveResponse, noteChainConsumer } from '../message/response-parts.js';
import { defineStep } from '../steps/step.js';
import type { ExchangeContext, Middleware, Step } from '../types.js';
import { HTTPStatusError, scrubUrl } from '../util/errors.js';

/** The chain's response as the caller gets it (and `throwHttpErrors`). */
function forCaller(raw: Response, request: Request, ctx: ExchangeContext): FerryResponse {
  const res = raw instanceof FerryResponse ? raw : deriveResponse(raw, { request });
  noteChainConsumer(res);
  if (ctx.options.throwHttpErrors && !res.ok) {
    throw new HTTPStatusError(
      `${res.request?.method ?? request.method} ${scrubUrl(res.url || request.url)}: HTTP ${res.status} ${res.statusText}`.trimEnd(),
      res,
      { request: res.request ?? request },
    );
  }
  return res;
}

/** The outermost step of every client: the response as the caller gets it (see `forCaller`). */
export const forCallerStep: Step = /* @__PURE__ */ defineStep({
  name: 'forCaller',
  after: (res, request, _body, ctx) => forCaller(res, request, ctx),
});

/** A user's middleware receives published requests (see `platformRequest`) unless it reads them through `requestParts()`. */
export function forUserMiddleware(mw: Middleware): Middleware {
  if (takesLazyRequests(mw)) return mw;
  return (request, next, ctx) => mw(platformRequest(request), next, ctx);
}
