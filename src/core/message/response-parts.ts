/**
 * Reading, deriving and releasing responses without building a `Headers` or a stream where
 * ferry's own responses can avoid it: what steps and transports use.
 * @module
 */

import { FerryResponse, initOf, responseState } from './response.js';
import { streamSource } from './response-sources.js';
import type { FerryResponseInit, ResponseSource } from './response-types.js';

/**
 * Called by the client on the response it hands to the caller: a body the chain already read
 * is then reported as read by a middleware (`StreamConsumedError` says so).
 */
export function noteChainConsumer(response: Response): void {
  const s = responseState(response);
  if (s !== undefined && s.consumer !== null && !s.consumer.startsWith('a middleware')) s.consumer = `a middleware (${s.consumer})`;
}

/**
 * A new FerryResponse from `response` with `changes`, taking over its body without reading
 * it; the original must not be read afterwards. Works for foreign Responses too.
 */
export function deriveResponse(
  response: Response,
  changes: FerryResponseInit & { body?: ReadableStream<Uint8Array> | ResponseSource | null },
): FerryResponse {
  const s = responseState(response);
  let body: ReadableStream<Uint8Array> | ResponseSource | null;
  let init: FerryResponseInit;
  if (s !== undefined) {
    body = 'body' in changes ? (changes.body ?? null) : (s.stream ?? s.source);
    if (!('body' in changes) && s.consumer === null) s.consumer = 'a middleware (the response was derived)';
    init = initOf(response as FerryResponse);
  } else {
    body = 'body' in changes ? (changes.body ?? null) : response.body;
    init = {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      url: response.url,
      redirected: response.redirected,
    };
  }
  const { body: _drop, ...rest } = changes;
  return new FerryResponse(body, { ...init, ...rest });
}

/** One response header (lower-case name), read without building a Headers where possible. */
export function responseHeader(response: Response, name: string): string | null {
  const s = responseState(response);
  if (s !== undefined && s.headers === null && s.raw !== null) {
    const v = s.raw[name];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }
  return response.headers.get(name);
}

/** Every Set-Cookie value of a response, read without building a Headers where possible. */
export function responseSetCookies(response: Response): readonly string[] {
  const s = responseState(response);
  if (s !== undefined && s.headers === null && s.raw !== null) {
    const v = s.raw['set-cookie'];
    return v === undefined ? [] : typeof v === 'string' ? [v] : v;
  }
  return response.headers.getSetCookie();
}

/** Releases a response's body without reading it (frees the connection). */
export function discardBody(response: Response): void {
  const s = responseState(response);
  if (s !== undefined) {
    if (s.consumer !== null) return;
    s.consumer = 'a middleware (the body was discarded)';
    if (s.stream) void s.stream.cancel().catch(() => {});
    else s.source?.cancel();
    return;
  }
  if (!response.bodyUsed) void response.body?.cancel().catch(() => {});
}

/**
 * Takes over a response's body for a middleware that wraps it (timeouts, events): returns
 * its source, or a source over its stream, and marks the response consumed. Null when it has
 * no body (or it was consumed already). Keeps the source's fast `text()`/`json()` paths.
 * @example
 * const source = takeBody(res);
 * return source ? deriveResponse(res, { body: wrap(source) }) : res;
 */
export function takeBody(response: Response): ResponseSource | null {
  const s = responseState(response);
  if (s !== undefined) {
    if (s.consumer !== null || s.stream?.locked === true) return null;
    s.consumer = 'a middleware (the body was wrapped)';
    if (s.stream) return streamSource(s.stream);
    return s.source;
  }
  if (response.bodyUsed || response.body === null) return null;
  return streamSource(response.body);
}
