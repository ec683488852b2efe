/**
 * Retries: idempotent methods, on the configured statuses and error codes, with capped
 * exponential backoff and jitter, honouring `Retry-After` (seconds or HTTP-date) up to
 * `maxRetryAfter`. A body that cannot be replayed is never resent. An abort (the user's or
 * the total timeout) is never retried and interrupts the backoff sleep.
 * @module
 */

import type { RequestBody } from '../message/body.js';
import { derive, requestParts } from '../message/request-parts.js';
import { discardBody, responseHeader } from '../message/response-parts.js';
import type { ExchangeContext, Next, ResolvedRetry, RetryInfo, Step } from '../types.js';
import { defineStep } from './step.js';

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
 * the retry step; `body` the request's body as it was before sending (the transport may
 * consume a real Request's stream; the source stays replayable).
 */
async function retryLoop(
  request: Request,
  body: RequestBody | null,
  first: RetryInfo,
  next: Next,
  ctx: ExchangeContext,
): Promise<Response> {
  const r = ctx.options.retry;
  let current = request;
  let info = first;
  for (let attempt = 2; ; attempt++) {
    if (ctx.events.has('beforeRetry')) ctx.events.emit('beforeRetry', current, info);
    await sleep(info.delay, ctx.signal);
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

/** Whether the retry step acts on this request (else it hands the outcome on untouched). */
function retryApplies(request: Request, ctx: ExchangeContext): boolean {
  const r = ctx.options.retry;
  if (r.limit === 0 || !r.methods.has(request.method)) return false;
  const body = requestParts(request).body;
  return body === null || body.replay !== null;
}

/**
 * The retry step, driven by `ctx.options.retry` (`retry: 0` or `false` turns it off). It
 * never changes a request on the way out; after the first attempt it looks at the response
 * or the failure, and only a retry costs an async frame. Each retry emits
 * `beforeRetry(request, { attempt, error | response, delay })` first; a retried response's
 * body is discarded, which frees its connection.
 * @example
 * const client = createClient({ retry: { limit: 3, statusCodes: [503] } });
 * client.on('beforeRetry', (req, { attempt, delay }) => console.log(req.url, attempt, delay));
 */
export function retry(): Step {
  return defineStep({
    name: 'retry',
    watches: retryApplies,
    after(response, request, body, ctx, next) {
      const info = retryInfo({ response }, 1, ctx.options.retry, ctx);
      return info === null ? response : retryLoop(request, body, info, next, ctx);
    },
    failed(error, request, body, ctx, next) {
      const info = retryInfo({ error }, 1, ctx.options.retry, ctx);
      if (info === null) throw error;
      return retryLoop(request, body, info, next, ctx);
    },
  });
}

type Outcome = { readonly response: Response } | { readonly error: unknown };

/**
 * What to do after attempt `attempt`: null to give its outcome to the caller, or the retry to
 * make (a retried response's body is discarded here, which frees its connection).
 */
function retryInfo(outcome: Outcome, attempt: number, r: ResolvedRetry, ctx: ExchangeContext): RetryInfo | null {
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
