/**
 * Steps: how every built-in feature is written once. A step is a `Middleware` (it can be
 * called and composed like any) made from parts: an `idle` predicate, the `work` it does for
 * a request it does not leave idle, and what it does with the response (`after`) or the
 * failure (`failed`) of a request it left idle, where it `watches` that request. The compiled
 * chain (chain/compile.ts) runs a row of idle steps as one: it sends the request on as it is
 * and applies the hooks of the steps that watch it, innermost first, in one continuation.
 * Calling a step directly does the same for a row of one. Why continuations and not an async
 * frame per step: docs/decisions/0010.
 * @module
 */
import type { RequestBody } from '../message/body.js';
import { markReadsRequestParts, takesLazyRequests } from '../message/reads-request-parts.js';
import { requestParts } from '../message/request-parts.js';
import type { ExchangeContext, Middleware, Next, Step, StepAfter, StepFailed } from '../types.js';
import type { HeaderList } from '../util/headers.js';

/** What `defineStep` builds a step from. */
export interface StepParts {
  /** The step's name (its function's `name`, as stack traces and `docs/architecture.md` show it). */
  readonly name: string;
  /** True when the step hands this request on as it is. Default: always (a step that only looks at outcomes). */
  readonly idle?: (request: Request, ctx: ExchangeContext) => boolean;
  /** What the step does with a request it does not leave idle (required with `idle`). */
  readonly work?: Middleware;
  /** Whether `after`/`failed` have anything to do for this idle request. Default: always. */
  readonly watches?: (request: Request, ctx: ExchangeContext) => boolean;
  /** The response side of an idle request. */
  readonly after?: StepAfter;
  /** The failure side of an idle request (absent: the failure goes on up). */
  readonly failed?: StepFailed;
  /** Headers the step adds where a request lacks them (see `Step.headers`). */
  readonly headers?: HeaderList;
}

const always = (): boolean => true;

/**
 * Makes a step. Its predicates and hooks receive ferry's lazy requests (they read them
 * through `requestParts()`), so the step is marked as such (see `markReadsRequestParts`).
 * @example
 * // Stamps a header the request lacks; leaves requests that have it alone.
 * const stamp = defineStep({
 *   name: 'stamp',
 *   idle: (request) => headerValue(headerList(request), 'x-stamp') !== null,
 *   work: (request, next, ctx) => next(deriveRequest(request, { headers: [...headerList(request), ['x-stamp', '1']] }), ctx),
 * });
 */
export function defineStep(parts: StepParts): Step {
  const { work, watches, after, failed } = parts;
  if (parts.idle !== undefined && work === undefined)
    throw new TypeError(`step ${parts.name}: an idle predicate needs work for the requests it does not leave idle`);
  const idle = work === undefined ? always : (parts.idle ?? always);
  const hooked = after !== undefined || failed !== undefined;
  const step = Object.assign(
    (request: Request, next: Next, ctx: ExchangeContext): Promise<Response> => {
      if (work !== undefined && !idle(request, ctx)) return work(request, next, ctx);
      const mask = hooked && (watches === undefined || watches(request, ctx)) ? 1 : 0;
      return sendRow({ afters: [after], faileds: [failed], nexts: [next] }, 0, 1, mask, request, ctx, next);
    },
    { idle, work, watches, after, failed, headers: parts.headers },
  ) as Step;
  Object.defineProperty(step, 'name', { value: parts.name });
  return markReadsRequestParts(step);
}

/** Whether `m` is a step the chain may skip through (one made by `defineStep`, or alike). */
export function isStep(m: Middleware): m is Step {
  return typeof (m as Partial<Step>).idle === 'function' && takesLazyRequests(m);
}

/** The longest row one watch mask covers (its bits). */
export const maxRow = 31;

/**
 * The hooks of a chain's steps by position, read once (a step's parts are properties of a
 * function; arrays are cheaper to read on every request), and what each step sends through
 * again (`nexts[i]`: the chain below step `i`).
 */
export interface RowHooks {
  readonly afters: readonly (StepAfter | undefined)[];
  readonly faileds: readonly (StepFailed | undefined)[];
  readonly nexts: readonly Next[];
}

/**
 * Sends `request` on below a row of idle steps at positions `lo..hi-1` through `below`, and
 * applies the hooks of those that watch it (bit `i - lo` of `mask`) in one continuation,
 * innermost first. When no step watches, the promise below is handed on as it is.
 */
export function sendRow(
  hooks: RowHooks,
  lo: number,
  hi: number,
  mask: number,
  request: Request,
  ctx: ExchangeContext,
  below: Next,
): Promise<Response> {
  // The body as it is handed on: a transport may consume a real Request's stream, the source
  // stays replayable (a redirect or a retry sends it again).
  const body = mask === 0 ? null : requestParts(request).body;
  let sent: Promise<Response>;
  try {
    sent = below(request, ctx);
  } catch (error) {
    sent = Promise.reject(error);
  }
  return mask === 0 ? sent : continueRow(sent, hooks, lo, hi - 1, mask, request, body, ctx);
}

/** Applies the watching hooks at positions `lo..hi` (innermost first) to what `sent` settles with. */
function continueRow(
  sent: Promise<Response>,
  hooks: RowHooks,
  lo: number,
  hi: number,
  mask: number,
  request: Request,
  body: RequestBody | null,
  ctx: ExchangeContext,
): Promise<Response> {
  let recovers = false;
  for (let i = lo; i <= hi && !recovers; i++) recovers = ((mask >> (i - lo)) & 1) === 1 && hooks.faileds[i] !== undefined;
  return sent.then(
    (response) => afterRow(hooks, lo, hi, mask, response, request, body, ctx),
    recovers ? (error: unknown) => failedRow(hooks, lo, hi, mask, error, request, body, ctx) : undefined,
  );
}

function afterRow(
  hooks: RowHooks,
  lo: number,
  hi: number,
  mask: number,
  response: Response,
  request: Request,
  body: RequestBody | null,
  ctx: ExchangeContext,
): Response | Promise<Response> {
  let res = response;
  for (let i = hi; i >= lo; i--) {
    const after = hooks.afters[i];
    if (after === undefined || ((mask >> (i - lo)) & 1) === 0) continue;
    let out: Response | Promise<Response>;
    try {
      out = after(res, request, body, ctx, hooks.nexts[i] as Next);
    } catch (error) {
      return failedRow(hooks, lo, i - 1, mask, error, request, body, ctx);
    }
    if (out instanceof Promise) return continueRow(out, hooks, lo, i - 1, mask, request, body, ctx);
    res = out;
  }
  return res;
}

function failedRow(
  hooks: RowHooks,
  lo: number,
  hi: number,
  mask: number,
  error: unknown,
  request: Request,
  body: RequestBody | null,
  ctx: ExchangeContext,
): Response | Promise<Response> {
  let reason = error;
  for (let i = hi; i >= lo; i--) {
    const failed = hooks.faileds[i];
    if (failed === undefined || ((mask >> (i - lo)) & 1) === 0) continue;
    let out: Response | Promise<Response>;
    try {
      out = failed(reason, request, body, ctx, hooks.nexts[i] as Next);
    } catch (e) {
      reason = e;
      continue;
    }
    return out instanceof Promise
      ? continueRow(out, hooks, lo, i - 1, mask, request, body, ctx)
      : afterRow(hooks, lo, i - 1, mask, out, request, body, ctx);
  }
  throw reason;
}
