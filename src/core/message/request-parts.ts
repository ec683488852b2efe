/**
 * Reading and deriving requests without building anything: what steps and transports use
 * instead of `request.headers`, `request.body` and `new Request(request, init)`.
 * @module
 */
import { type HeaderList, listOfHeaders } from '../util/headers.js';
import { platformBodyLength } from '../util/platform.js';
import type { RequestBody } from './body.js';
import { type FerryRequest, lazyRequest, platformRequest, requestState } from './request.js';

/** The parts of a request a transport needs, read without building anything. */
export interface RequestParts {
  readonly url: URL;
  readonly method: string;
  /** Header list (lower-case names) or, once someone touched `headers`, that Headers. */
  readonly headers: HeaderList | Headers;
  /** The body source, or null. A foreign `Request`'s body arrives as a one-shot stream. */
  readonly body: RequestBody | null;
}

const get = (name: string, target: Request): unknown => Reflect.get(Request.prototype, name, target);

/**
 * Reads a request's parts without building anything for ferry's own requests; a foreign
 * `Request` gives its URL, method, headers and body stream (one-shot, length unknown).
 */
export function requestParts(request: Request): RequestParts {
  const s = requestState(request);
  if (s !== undefined) {
    if (!s.real) return s;
    const used = get('bodyUsed', s.real) as boolean;
    const realBody = get('body', s.real) as ReadableStream<Uint8Array> | null;
    // The source of bytes/strings/Blobs is immutable, so it can still be sent as it is,
    // unless someone consumed or locked the stream built from it.
    const body =
      s.body && s.body.replay !== null && !used && !realBody?.locked
        ? s.body
        : realBody
          ? { source: realBody, length: s.body?.length ?? null, type: null, replay: null }
          : null;
    // Headers nobody touched are still the list the request was built with.
    return { url: s.url, method: s.method, headers: s.touched === null ? s.list : (get('headers', s.real) as Headers), body };
  }
  const stream = request.body;
  return {
    url: new URL(request.url),
    method: request.method,
    headers: request.headers,
    body: stream ? { source: stream, length: platformBodyLength(request), type: null, replay: null } : null,
  };
}

/** Changes for `deriveRequest`; `headers` replaces the whole list. */
export interface RequestChanges {
  readonly url?: URL;
  readonly method?: string;
  readonly headers?: HeaderList;
  /** A new body, or null to drop it; omitted keeps (a replay of) the current one. */
  readonly body?: RequestBody | null;
}

/**
 * A new request from `request` with `changes`: the middleware way to derive a request
 * without losing the body source. Keeps the original's body (replayed when replayable).
 * @example
 * const tagged = deriveRequest(request, { headers: [...headerList(request), ['x-request-id', id]] });
 */
export function deriveRequest(request: Request, changes: RequestChanges): FerryRequest {
  return platformRequest(derive(request, changes));
}

/** `deriveRequest` for ferry's built-ins: the result is lazy in every runtime (see `platformRequest`). */
export function derive(request: Request, changes: RequestChanges): FerryRequest {
  const parts = requestParts(request);
  const body = 'body' in changes ? (changes.body ?? null) : parts.body && (parts.body.replay ? parts.body.replay() : parts.body);
  return lazyRequest({
    url: changes.url ?? parts.url,
    method: changes.method ?? parts.method,
    headers: changes.headers ?? (parts.headers instanceof Headers ? listOfHeaders(parts.headers) : parts.headers),
    body,
    redirect: request.redirect,
    init: requestState(request)?.init,
  });
}

/** The header list of a request (lower-case names), cheap for ferry's own requests. */
export function headerList(request: Request): HeaderList {
  const h = requestParts(request).headers;
  return h instanceof Headers ? listOfHeaders(h) : h;
}

/** A request's signal, without materialising a lazy FerryRequest (whose signal never aborts). */
export function signalOfRequest(request: Request): AbortSignal | undefined {
  const s = requestState(request);
  if (s !== undefined && !s.real) return undefined;
  return request.signal;
}
