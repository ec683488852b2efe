/**
 * What the mock transport remembers of every request it saw, and how it turns a ferry
 * request into the plain `Request` a handler receives.
 * @module
 */
import { type ExchangeContext, requestParts, streamOfBody } from '../../core/kit.js';

/** One request the mock transport saw, for assertions. */
export interface RecordedRequest {
  readonly method: string;
  /** The full URL, query included. */
  readonly url: string;
  /** Every header as sent (a copy; cookies and auth included). */
  readonly headers: Headers;
  /** The body bytes, or null when the request had no body. */
  readonly body: Uint8Array | null;
  /** The body decoded as UTF-8 ('' without a body). */
  text(): string;
  /** The body parsed as JSON (throws a SyntaxError on bad JSON or an empty body). */
  json(): unknown;
}

const decoder = new TextDecoder();

async function readAll(stream: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = (): void => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason;
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Reads a request whole (as a server would) and records it. */
export async function recordRequest(request: Request, ctx: ExchangeContext): Promise<RecordedRequest> {
  const parts = requestParts(request);
  const headers = new Headers();
  if (parts.headers instanceof Headers) parts.headers.forEach((v, k) => headers.append(k, v));
  else for (const [k, v] of parts.headers) headers.append(k, v);
  let body: Uint8Array | null = null;
  if (parts.body) {
    const { source } = parts.body;
    body =
      source instanceof Uint8Array
        ? source
        : typeof source === 'string'
          ? new TextEncoder().encode(source)
          : await readAll(streamOfBody(parts.body), ctx.signal);
  }
  return {
    method: parts.method,
    url: parts.url.href,
    headers,
    body,
    text: () => (body ? decoder.decode(body) : ''),
    json: () => JSON.parse(body ? decoder.decode(body) : ''),
  };
}

/** The plain `Request` a handler receives: fresh, with the recorded body and the exchange's signal. */
export function handlerRequest(record: RecordedRequest, ctx: ExchangeContext): Request {
  const init: RequestInit = { method: record.method, headers: record.headers, redirect: 'manual' };
  if (record.body && record.method !== 'GET' && record.method !== 'HEAD') init.body = record.body as Uint8Array<ArrayBuffer>;
  if (ctx.signal) init.signal = ctx.signal;
  return new Request(record.url, init);
}
