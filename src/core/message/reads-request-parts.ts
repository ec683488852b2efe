/**
 * Who may receive ferry's lazy requests: code that reads requests only through
 * `requestParts()` says so with `markReadsRequestParts`; everyone else gets `platformRequest()`ed
 * (real) requests where the platform refuses lazy ones (docs/decisions/0010).
 * @module
 */
import type { Next, Transport } from '../types.js';
import { lazyRequests, platformRequest } from './request.js';

/**
 * Marks an object (a transport, an auth scheme, a step) that reads requests only through
 * `requestParts()`/`deriveRequest()`, and so may receive ferry's lazy requests in every
 * runtime. Others receive `platformRequest()`ed ones. Non-enumerable on purpose: a spread copy
 * (`{ ...transport, send }`) with code of its own does not inherit it.
 * @example
 * const transport = markReadsRequestParts({ name: 'mine', capabilities, send });
 */
export const readsRequestParts: unique symbol = Symbol.for('ferry.readsRequestParts');

/** Sets `readsRequestParts` on `target` (see there) and returns it. */
export function markReadsRequestParts<T extends object>(target: T): T {
  Object.defineProperty(target, readsRequestParts, { value: true, configurable: true });
  return target;
}

/** Whether `consumer` may receive lazy requests here (see `readsRequestParts`). */
export function takesLazyRequests(consumer: object): boolean {
  return lazyRequests || (consumer as { [readsRequestParts]?: unknown })[readsRequestParts] === true;
}

/**
 * `transport.send` as a `Next`: handed ferry's lazy requests only when the transport reads
 * them through `requestParts()` (ferry's own do) or lazy requests are real enough here; else
 * each request is published (built as a real `Request`) first, so a custom transport may give
 * it to the platform's `fetch`.
 */
export function transportSender(transport: Transport): Next {
  return takesLazyRequests(transport)
    ? (request, ctx) => transport.send(request, ctx)
    : (request, ctx) => transport.send(platformRequest(request), ctx);
}
