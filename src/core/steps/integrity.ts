/**
 * The `integrity()` step: Subresource Integrity for transports whose platform does not
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
import { deriveResponse } from '../message/response-parts.js';
import { sourceOfInit } from '../message/response-sources.js';
import type { Step } from '../types.js';
import { describe, IntegrityError, isFerryError } from '../util/errors.js';
import { type IntegrityItem, matchIntegrity, parseIntegrity, strongestIntegrity } from '../util/match-integrity.js';
import { defineStep } from './step.js';

async function verified(response: Response, request: Request, items: IntegrityItem[]): Promise<Response> {
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
}

/**
 * Verifies the response body against `ctx.options.fetchInit.integrity` where the transport
 * does not. It never changes a request on the way out.
 * @example
 * const send = compile([integrity()], transportSender(transport));
 * await send(request, ctx); // rejects with IntegrityError when the body does not match
 */
export function integrity(): Step {
  return defineStep({
    name: 'integrity',
    // Only where a request has integrity metadata and the platform does not check it.
    watches: (_request, ctx) => ctx.options.fetchInit?.integrity !== undefined && ctx.transport.capabilities.integrity !== true,
    after(response, request, _body, ctx) {
      const items = parseIntegrity(ctx.options.fetchInit?.integrity as string);
      return items.length === 0 ? response : verified(response, request, items);
    },
  });
}
