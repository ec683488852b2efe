/**
 * Retries: idempotent methods, on the configured statuses and error codes, with capped
 * exponential backoff and jitter, honouring `Retry-After` (seconds or HTTP-date) up to
 * `maxRetryAfter`. A body that cannot be replayed is never resent. An abort (the user's or
 * the total timeout) is never retried and interrupts the backoff sleep.
 * @module
 */
import type { RetryInfo } from '../events.js';
import type { Middleware } from '../middleware.js';
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
 * The retry middleware, driven by `ctx.options.retry` (`retry: 0` or `false` turns it off).
 * Each retry emits `beforeRetry(request, { attempt, error | response, delay })` first;
 * a retried response's body is discarded, which frees its connection.
 * @example
 * const client = createClient({ retry: { limit: 3, statusCodes: [503] } });
 * client.on('beforeRetry', (req, { attempt, delay }) => console.log(req.url, attempt, delay));
 */
export function retry(): Middleware {
  const run: Middleware = async (request, next, ctx) => {
    const r = ctx.options.retry;
    if (r.limit === 0 || !r.methods.has(request.method)) return next(request, ctx);
    const body = requestParts(request).body;
    if (body !== null && body.replay === null) return next(request, ctx);
    let current = request;
    for (let attempt = 1; ; attempt++) {
      let info: RetryInfo;
      try {
        const response = await next(current, ctx);
        if (attempt > r.limit || !r.statusCodes.has(response.status)) return response;
        const asked = r.retryAfter ? parseRetryAfter(responseHeader(response, 'retry-after')) : undefined;
        if (asked !== undefined && asked > r.maxRetryAfter) return response;
        discardBody(response);
        info = { attempt, response, delay: asked ?? r.backoff(attempt) };
      } catch (error) {
        if (ctx.signal?.aborted || attempt > r.limit || !retriableError(error, r)) throw error;
        info = { attempt, error, delay: r.backoff(attempt) };
      }
      if (ctx.events.has('beforeRetry')) ctx.events.emit('beforeRetry', current, info);
      const delay = info.delay;
      await sleep(delay, ctx.signal);
      // From the body as it was before sending: the transport may have consumed the stream of
      // the Request it was given, the replayable source is intact.
      current = derive(request, { body: body === null ? null : (body.replay?.() ?? body) });
    }
  };
  // The idle path is not async: no extra promise or microtask per request.
  return (request, next, ctx) => {
    const r = ctx.options.retry;
    return r.limit !== 0 && r.methods.has(request.method) ? run(request, next, ctx) : next(request, ctx);
  };
}
