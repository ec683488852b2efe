/**
 * Emits the exchange events: two steps. `events()` sits innermost, just above the transport, so it sees
 * every hop (redirects, retries, auth rounds) and the raw bytes: `preRequest`, `onHeaders`,
 * `postRequest`, `dataReceived`, `uploadProgress`, `downloadProgress`.
 *
 * `dataProcessed` (decoded bytes) comes from `processedEvents()`, which sits outermost in the
 * default chain: it watches the body the caller finally reads, after every decoder, so each
 * decoded chunk is seen exactly once and bodies that are discarded (redirect hops, retried
 * responses) never emit it. Without decoding, `dataProcessed` sees the same bytes as
 * `dataReceived`. Because decoders read ahead of their output, `postRequest` (fired when the
 * raw body ends) may precede the last `dataProcessed` of a decoded body.
 *
 * A throwing listener fails that request with the listener's error; a body it was watching
 * is cancelled, which releases the connection. Nobody listening costs one `has()` per event
 * family and nothing is wrapped.
 * @module
 */
import type { RequestBody } from '../message/body.js';
import { derive, requestParts } from '../message/request-parts.js';
import { deriveResponse, discardBody, responseHeader, takeBody } from '../message/response-parts.js';
import { watchBody } from '../message/watch-body.js';
import type { EventDispatcher, ExchangeContext, Next, Step } from '../types.js';
import { defineStep } from './step.js';

const sliceSize = 64 * 1024;
const encoder = new TextEncoder();

/** Splits what the socket will pull into chunks and reports each as it is pulled. */
async function* counted(source: RequestBody['source'], onChunk: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  if (typeof source === 'string' || source instanceof Uint8Array) {
    const bytes = typeof source === 'string' ? encoder.encode(source) : source;
    for (let offset = 0; offset < bytes.byteLength; offset += sliceSize) {
      const part = bytes.subarray(offset, offset + sliceSize);
      onChunk(part.byteLength);
      yield part;
    }
    return;
  }
  const iterable: AsyncIterable<Uint8Array | string> =
    source instanceof Blob ? chunksOf(source.stream()) : source instanceof ReadableStream ? chunksOf(source) : source;
  for await (const chunk of iterable) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    onChunk(bytes.byteLength);
    yield bytes;
  }
}

/** Reads a stream through its reader (not every runtime makes streams async-iterable). */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let ended = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!ended) reader.cancel().catch(() => {});
  }
}

function contentLength(response: Response): number | undefined {
  const value = responseHeader(response, 'content-length');
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function listensToHops(ctx: ExchangeContext): boolean {
  const ev = ctx.events;
  return (
    ev.has('preRequest') ||
    ev.has('onHeaders') ||
    ev.has('postRequest') ||
    ev.has('dataReceived') ||
    ev.has('downloadProgress') ||
    ev.has('uploadProgress')
  );
}

/**
 * The hop-level events (see the module doc); a request nobody listens to idles here. Place it innermost, just above the transport.
 * @example
 * const client = createClient({ on: { downloadProgress: ({ loaded, total }) => bar.update(loaded, total) } });
 */
export function events(): Step {
  const work = async (request: Request, next: Next, ctx: ExchangeContext): Promise<Response> => {
    const ev = ctx.events;
    const upload = ev.has('uploadProgress');
    const pre = ev.has('preRequest');
    const headers = ev.has('onHeaders');
    const received = ev.has('dataReceived');
    const download = ev.has('downloadProgress');
    const post = ev.has('postRequest');
    if (!(upload || pre || headers || received || download || post)) return next(request, ctx);

    let sent = request;
    let listenerError: { error: unknown } | undefined;
    if (upload) {
      const body = requestParts(request).body;
      if (body !== null) {
        const total = body.length ?? undefined;
        let loaded = 0;
        const onChunk = (bytes: number): void => {
          loaded += bytes;
          try {
            ev.emit('uploadProgress', { loaded, total }, sent);
          } catch (error) {
            listenerError = { error };
            throw error;
          }
        };
        // A replay (the transport resending on a stale pooled socket) counts from zero again.
        const countedBody = (b: RequestBody): RequestBody => ({
          source: counted(b.source, onChunk),
          length: b.length,
          type: b.type,
          replay: b.replay
            ? () => {
                loaded = 0;
                return countedBody((b.replay as () => RequestBody)());
              }
            : null,
        });
        sent = derive(request, { body: countedBody(body) });
      }
    }
    if (pre) ev.emit('preRequest', sent);

    let response: Response;
    try {
      response = await next(sent, ctx);
    } catch (error) {
      // The transport wraps what the body iterator threw; the caller gets the listener's own error.
      if (listenerError) throw listenerError.error;
      throw error;
    }
    if (listenerError) {
      discardBody(response);
      throw listenerError.error;
    }

    const watchesBody = received || download || post;
    const source = watchesBody ? takeBody(response) : null;
    let out: Response = response;
    if (source !== null) {
      const total = download ? contentLength(response) : undefined;
      let loaded = 0;
      out = deriveResponse(response, {
        body: watchBody(source, {
          chunk:
            received || download
              ? (chunk) => {
                  if (received) ev.emit('dataReceived', out, chunk);
                  if (download) {
                    loaded += chunk.byteLength;
                    ev.emit('downloadProgress', { loaded, total }, out);
                  }
                }
              : undefined,
          done: post ? () => ev.emit('postRequest', out) : undefined,
        }),
      });
    }
    if (headers) {
      try {
        ev.emit('onHeaders', out);
      } catch (error) {
        discardBody(out);
        throw error;
      }
    }
    if (post && source === null) ev.emit('postRequest', out);
    return out;
  };
  return defineStep({ name: 'events', idle: (_request, ctx) => !listensToHops(ctx), work });
}

/**
 * Emits `dataProcessed(response, chunk)` with the bytes the caller reads, after decoding.
 * Outermost in the default chain (see the module doc for why).
 * @example
 * client.on('dataProcessed', (res, chunk) => hash.update(chunk));
 */
export function processedEvents(): Step {
  return defineStep({
    name: 'processedEvents',
    watches: (_request, ctx) => ctx.events.has('dataProcessed'),
    after: (response, _request, _body, ctx) => withProcessedEvents(response, ctx.events),
  });
}

/**
 * Wraps a (decoded) response so each chunk its reader receives emits `dataProcessed`.
 * For a middleware of yours that produces a body outside the default chain.
 */
export function withProcessedEvents(response: Response, ev: EventDispatcher): Response {
  const source = takeBody(response);
  if (source === null) return response;
  const out: Response = deriveResponse(response, {
    body: watchBody(source, { chunk: (chunk) => ev.emit('dataProcessed', out, chunk) }),
  });
  return out;
}
