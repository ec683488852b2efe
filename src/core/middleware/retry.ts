/**
 * Retries: idempotent methods, on the configured statuses and error codes, with capped
 * exponential backoff and jitter, honouring `Retry-After` (seconds or HTTP-date) up to
 * `maxRetryAfter`. A body that cannot be replayed is never resent. An abort (the user's or
 * the total timeout) is never retried and interrupts the backoff sleep.
 * @module
 */

import type { RequestBody } from '../body.js';
import type { RetryInfo } from '../events.js';
import { type Middleware, nextAsPromise } from '../middleware.js';
import type { ResolvedRetry } from '../options.js';
import { derive, requestParts } from '../request.js';
import { discardBody, responseHeader } from '../response.js';

/**
 * The delay in ms a `Retry-After` value asks for, or undefined when it cannot be read.
 * Accepts delta-seconds and an HTTP-date (a past date gives 0).
 * @example
 * parseRetryAfter('120'); // 120000
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The codes of an error and its causes (ferry's `ERR_*` and the platform's, e.g. ECONNRESET). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let cur: unknown = error;
  for (let i = 0; i < 5 && typeof cur === 'object' && cur !== null; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    cur = (cur as { cause?: unknown }).cause;
  }
  return codes;
}

function retriableError(error: unknown, r: ResolvedRetry): boolean {
  for (const code of codesOf(error)) if (r.errorCodes.has(code)) return true;
  return false;
}

/** Waits `ms`, or rejects with `signal.reason` as soon as it aborts; clears its timer either way. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The attempts after the first: `first` says what to do after it. `next` is the chain below
 * the retry middleware.
 */
async function retryLoop(
  request: Request,
  body: RequestBody | null,
  first: RetryInfo,
  next: Parameters<Middleware>[1],
  ctx: Parameters<Middleware>[2],
): Promise<Response> {
  const r = ctx.options.retry;
  let current = request;
  let info = first;
  for (let attempt = 2; ; attempt++) {
    if (ctx.events.has('beforeRetry')) ctx.events.emit('beforeRetry', current, info);
    await sleep(info.delay, ctx.signal);
    // From the body as it was before sending: the transport may have consumed the stream of
    // the Request it was given, the replayable source is intact.
    current = derive(request, { body: body === null ? null : (body.replay?.() ?? body) });
    let outcome: Outcome;
    try {
      outcome = { response: await next(current, ctx) };
    } catch (error) {
      outcome = { error };
    }
    const again = retryInfo(outcome, attempt, r, ctx);
    if (again === null) {
      if ('error' in outcome) throw outcome.error;
      return outcome.response;
    }
    info = again;
  }
}

/** Whether the retry middleware acts on this request (else it hands it on untouched). */
export function retryApplies(request: Request, ctx: Parameters<Middleware>[2]): boolean {
  const r = ctx.options.retry;
  if (r.limit === 0 || !r.methods.has(request.method)) return false;
  const body = requestParts(request).body;
  return body === null || body.replay !== null;
}

/**
 * Internal: the retry middleware after its first attempt (see chain.ts): the response to give
 * on, or the promise of the retries. `body` is the request's body as it was before sending
 * (the transport may consume a real Request's stream; the source stays replayable), `next`
 * the chain below the retry middleware.
 */
export function afterFirstAttempt(
  response: Response,
  request: Request,
  body: RequestBody | null,
  next: Parameters<Middleware>[1],
  ctx: Parameters<Middleware>[2],
): Response | Promise<Response> {
  const info = retryInfo({ response }, 1, ctx.options.retry, ctx);
  return info === null ? response : retryLoop(request, body, info, next, ctx);
}

/** Internal: as `afterFirstAttempt`, for a first attempt that failed with `error` (rethrown when not retried). */
export function afterFirstFailure(
  error: unknown,
  request: Request,
  body: RequestBody | null,
  next: Parameters<Middleware>[1],
  ctx: Parameters<Middleware>[2],
): Promise<Response> {
  const info = retryInfo({ error }, 1, ctx.options.retry, ctx);
  if (info === null) throw error;
  return retryLoop(request, body, info, next, ctx);
}

/**
 * The retry middleware, driven by `ctx.options.retry` (`retry: 0` or `false` turns it off).
 * Each retry emits `beforeRetry(request, { attempt, error | response, delay })` first;
 * a retried response's body is discarded, which frees its connection.
 * @example
 * const client = createClient({ retry: { limit: 3, statusCodes: [503] } });
 * client.on('beforeRetry', (req, { attempt, delay }) => console.log(req.url, attempt, delay));
 */
export function retry(): Middleware {
  // After the first attempt, in the common case (a response not to retry), a continuation
  // and no async frame: the retry loop runs only when there is something to retry.
  const run: Middleware = (request, next, ctx) => {
    const body = requestParts(request).body;
    // A middleware or transport below that throws instead of rejecting is retried alike.
    return nextAsPromise(next, request, ctx).then(
      (response) => afterFirstAttempt(response, request, body, next, ctx),
      (error: unknown) => afterFirstFailure(error, request, body, next, ctx),
    );
  };
  // The idle path is not async: no extra promise or microtask per request.
  return (request, next, ctx) => (retryApplies(request, ctx) ? run(request, next, ctx) : next(request, ctx));
}

type Outcome = { readonly response: Response } | { readonly error: unknown };

/**
 * What to do after attempt `attempt`: null to give its outcome to the caller, or the retry to
 * make (a retried response's body is discarded here, which frees its connection).
 */
function retryInfo(outcome: Outcome, attempt: number, r: ResolvedRetry, ctx: Parameters<Middleware>[2]): RetryInfo | null {
  if ('error' in outcome) {
    const { error } = outcome;
    if (ctx.signal?.aborted || attempt > r.limit || !retriableError(error, r)) return null;
    return { attempt, error, delay: r.backoff(attempt) };
  }
  const { response } = outcome;
  if (attempt > r.limit || !r.statusCodes.has(response.status)) return null;
  const asked = r.retryAfter ? parseRetryAfter(responseHeader(response, 'retry-after')) : undefined;
  if (asked !== undefined && asked > r.maxRetryAfter) return null;
  discardBody(response);
  return { attempt, response, delay: asked ?? r.backoff(attempt) };
}
