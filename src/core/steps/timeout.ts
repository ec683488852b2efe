/**
 * Timeouts on top of AbortSignal: two steps. `timeout()` (near the top) enforces the total
 * deadline over the whole exchange, redirects, retries and the body read included.
 * `hopTimeouts()` (innermost) times, per hop, the phases the transport cannot time itself
 * (`capabilities.timeouts`). A deadline of 0 means none, as in undici. A request without a
 * deadline idles in both.
 *
 * The user's signal is linked to ours by hand (one listener, removed when the exchange is
 * done) rather than with `AbortSignal.any`, which keeps its dependants on the source signal
 * until garbage collection (and has had leak reports with long-lived sources); every timer
 * and listener is released on completion, error, cancel and abort. When no deadline
 * applies, nothing is allocated.
 * @module
 */
import { deriveResponse, takeBody } from '../message/response-parts.js';
import { watchBody } from '../message/watch-body.js';
import type { ExchangeContext, Next, Step } from '../types.js';
import { describe, TimeoutError, type TimeoutPhase } from '../util/errors.js';
import { defineStep } from './step.js';

/** An AbortController linked to an optional parent signal, with one cleanup for all of it. */
interface Linked {
  readonly controller: AbortController;
  /** Clears every timer and removes the listener on the parent; idempotent. */
  release(): void;
  /** Arms (or re-arms) the one timer: aborts with `error()` after `ms`. */
  arm(ms: number, error: () => unknown): void;
  disarm(): void;
}

function link(parent: AbortSignal | undefined): Linked {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onParentAbort = (): void => controller.abort(parent?.reason);
  parent?.addEventListener('abort', onParentAbort, { once: true });
  let released = false;
  return {
    controller,
    release() {
      if (released) return;
      released = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      parent?.removeEventListener('abort', onParentAbort);
    },
    arm(ms, error) {
      if (released) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        controller.abort(error());
      }, ms);
    },
    disarm() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** HEAD, 1xx, 204 and 304 answers carry no body: their deadline ends with the headers. */
function hasNoBody(request: Request, response: Response): boolean {
  const status = response.status;
  return request.method === 'HEAD' || status === 204 || status === 304 || status < 200;
}

async function guarded(request: Request, ctx: ExchangeContext, next: Next, l: Linked): Promise<Response> {
  const signal = l.controller.signal;
  let response: Response;
  try {
    response = await next(request, { ...ctx, signal });
  } catch (error) {
    l.release();
    // An abort (ours or the user's) rejects with exactly the signal's reason.
    if (signal.aborted) throw signal.reason;
    throw error;
  }
  if (signal.aborted) {
    l.release();
    takeBody(response)?.cancel(signal.reason);
    throw signal.reason;
  }
  return response;
}

/**
 * The total deadline (`timeout: ms` or `timeout: { total }`): the whole exchange, including
 * redirects, retries and reading the body, rejects with `TimeoutError` (phase `'total'`).
 * @example
 * const client = createClient({ timeout: { total: 5000 } });
 * await client.get(url); // TimeoutError after 5 s, even while reading the body
 */
export function timeout(): Step {
  return defineStep({
    name: 'timeout',
    idle: (_request, ctx) => !ctx.options.timeout?.total,
    async work(request, next, ctx) {
      const total = ctx.options.timeout?.total as number;
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      const l = link(ctx.signal);
      l.arm(total, () => new TimeoutError(describe(`timed out after ${total} ms (total)`, request), 'total', { request }));
      const response = await guarded(request, ctx, next, l);
      const source = hasNoBody(request, response) ? null : takeBody(response);
      if (source === null) {
        l.release();
        return response;
      }
      return deriveResponse(response, { body: watchBody(source, { signal: l.controller.signal, done: l.release }) });
    },
  });
}

function handled(ctx: ExchangeContext, phase: TimeoutPhase): boolean {
  return ctx.transport.capabilities.timeouts?.includes(phase) === true;
}

/**
 * Per-hop `headers`, `connect` and `bodyIdle` deadlines for transports that cannot enforce
 * them (browser, Deno, Bun …). `headers` bounds the wait for the response headers; where
 * the transport cannot time `connect` alone, that deadline bounds the same wait (the message
 * says so). `bodyIdle` bounds each wait of the reader for the next chunk. Steps aside when
 * the transport enforces every phase asked for (the Node transport does).
 * @example
 * compile([hopTimeouts()], transportSender(transport)); // innermost, just above the transport
 */
export function hopTimeouts(): Step {
  const work = async (request: Request, next: Next, ctx: ExchangeContext): Promise<Response> => {
    const t = ctx.options.timeout;
    if (t === undefined) return next(request, ctx);
    const headers = t.headers && !handled(ctx, 'headers') ? t.headers : 0;
    const connect = t.connect && !handled(ctx, 'connect') ? t.connect : 0;
    const bodyIdle = t.bodyIdle && !handled(ctx, 'bodyIdle') ? t.bodyIdle : 0;
    if (headers === 0 && connect === 0 && bodyIdle === 0) return next(request, ctx);
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    const l = link(ctx.signal);
    if (headers !== 0 || connect !== 0) {
      const byConnect = connect !== 0 && (headers === 0 || connect < headers);
      const ms = byConnect ? connect : headers;
      l.arm(ms, () =>
        byConnect
          ? new TimeoutError(
              describe(`no response within the ${ms} ms connect timeout (this transport cannot time connecting alone)`, request),
              'connect',
              { request },
            )
          : new TimeoutError(describe(`timed out after ${ms} ms waiting for response headers`, request), 'headers', { request }),
      );
    }
    const response = await guarded(request, ctx, next, l);
    l.disarm();
    const source = hasNoBody(request, response) ? null : takeBody(response);
    if (source === null) {
      l.release();
      return response;
    }
    const idle = (): unknown => new TimeoutError(describe(`no body data for ${bodyIdle} ms`, request), 'bodyIdle', { request });
    return deriveResponse(response, {
      body: watchBody(source, {
        signal: l.controller.signal,
        done: l.release,
        ...(bodyIdle !== 0 ? { waiting: () => l.arm(bodyIdle, idle), chunk: () => l.disarm() } : {}),
      }),
    });
  };
  return defineStep({ name: 'hopTimeouts', idle: (_request, ctx) => ctx.options.timeout === undefined, work });
}
