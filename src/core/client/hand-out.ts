/**
 * The client's two ends of the chain: the step that hands the chain's response to the caller
 * (as a FerryResponse, or an HTTPStatusError with `throwHttpErrors`), and the wrapper that
 * shows a user's middleware the requests it may hand to the platform.
 * @module
 */
import { takesLazyRequests } from '../message/publish.js';
import { publish } from '../message/request.js';
import { FerryResponse } from '../message/response.js';
import { deriveResponse, noteChainConsumer } from '../message/response-parts.js';
import { defineStep } from '../steps/step.js';
import type { ExchangeContext, Middleware, Step } from '../types.js';
import { HTTPStatusError, scrubUrl } from '../util/errors.js';

/** The chain's response as the caller gets it (and `throwHttpErrors`). */
function handOut(raw: Response, request: Request, ctx: ExchangeContext): FerryResponse {
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

/** The outermost step of every client: hands the response out (see `handOut`). */
export const handOutStep: Step = /* @__PURE__ */ defineStep({
  name: 'handOut',
  after: (res, request, _body, ctx) => handOut(res, request, ctx),
});

/** A user's middleware receives published requests (see `publish`) unless it reads them through `requestParts()`. */
export function forUserMiddleware(mw: Middleware): Middleware {
  if (takesLazyRequests(mw)) return mw;
  return (request, next, ctx) => mw(publish(request), next, ctx);
}
