/**
 * The `integrity()` middleware: Subresource Integrity for transports whose platform does not
 * verify a request's `integrity` itself (`capabilities.integrity` not true: Node, Deno, Bun,
 * the mock). As fetch does, it reads the whole final body (decoded, after redirects and
 * retries) before the response is handed on, and fails a mismatch with `IntegrityError` (a
 * TypeError, like fetch's network error) naming the method and URL. The caller then reads the
 * verified bytes. Metadata without a known algorithm lets the response through, as in fetch.
 *
 * It sits outside `retry` and `redirects` (only the final response is checked) and inside
 * `timeout` (the total deadline covers the read). A request without `integrity`, or a
 * transport that verifies it natively, costs one property read and no promise.
 * @module
 */
import { describe, IntegrityError, isFerryError } from '../errors.js';
import { type IntegrityItem, matchIntegrity, parseIntegrity, strongestIntegrity } from '../match-integrity.js';
import type { Middleware } from '../middleware.js';
import { deriveResponse } from '../response.js';
import { sourceOfInit } from '../response-sources.js';

/** True when the request has no integrity metadata, or the platform checks it itself. */
export function integrityIdle(ctx: Parameters<Middleware>[2]): boolean {
  return ctx.options.fetchInit?.integrity === undefined || ctx.transport.capabilities.integrity === true;
}

/**
 * Verifies the response body against `ctx.options.fetchInit.integrity` where the transport
 * does not.
 * @example
 * const send = compose([integrity()], transport.send.bind(transport));
 * await send(request, ctx); // rejects with IntegrityError when the body does not match
 */
export function integrity(): Middleware {
  const run = async (request: Request, next: Parameters<Middleware>[1], ctx: Parameters<Middleware>[2], items: IntegrityItem[]) => {
    const response = await next(request, ctx);
    const target = (response as { request?: Request }).request ?? request;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const algorithm = (strongestIntegrity(items)[0] as IntegrityItem).algorithm;
    let ok: boolean;
    try {
      ok = await matchIntegrity(bytes, items);
    } catch (cause) {
      if (isFerryError(cause)) throw cause;
      throw new IntegrityError(
        describe(`cannot verify integrity (${algorithm}): ${(cause as Error)?.message ?? String(cause)}`, target),
        algorithm,
        {
          cause,
          request: target,
        },
      );
    }
    if (!ok)
      throw new IntegrityError(
        describe(`the response body does not match the request's integrity metadata (${algorithm})`, target),
        algorithm,
        {
          request: target,
        },
      );
    return deriveResponse(response, { body: sourceOfInit(bytes as Uint8Array<ArrayBuffer>).source });
  };
  return (request, next, ctx) => {
    if (integrityIdle(ctx)) return next(request, ctx);
    const items = parseIntegrity(ctx.options.fetchInit?.integrity as string);
    return items.length === 0 ? next(request, ctx) : run(request, next, ctx, items);
  };
}
