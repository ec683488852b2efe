/**
 * Middleware and their composition.
 * @module
 */
import type { ExchangeContext } from './context.js';

/** Sends a request through the rest of the chain. May be called many times (retry, redirect, auth). */
export type Next = (request: Request, ctx: ExchangeContext) => Promise<Response>;

/** Sees every hop of a request; derives, never mutates, the `Request`/`Response` it did not create. */
export type Middleware = (request: Request, next: Next, ctx: ExchangeContext) => Promise<Response>;

/** Internal: `next(request, ctx)`, with a synchronous throw below (a middleware or transport that throws instead of rejecting) as a rejection. */
export function nextAsPromise(next: Next, request: Request, ctx: ExchangeContext): Promise<Response> {
  try {
    return next(request, ctx);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Composes middleware around a final handler. Array order is execution order, **outermost
 * first** (as in hono and wretch; undici's `compose` is the reverse).
 * @example
 * const send = compose([logging, retry()], transport.send.bind(transport));
 */
export function compose(middleware: readonly Middleware[], last: Next): Next {
  let next = last;
  for (let i = middleware.length - 1; i >= 0; i--) {
    const mw = middleware[i] as Middleware;
    const inner = next;
    next = (request, ctx) => mw(request, inner, ctx);
  }
  return next;
}
