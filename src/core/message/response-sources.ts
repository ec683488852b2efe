/**
 * Body sources for a FerryResponse built from user input: a BodyInit or a stream.
 * @module
 */
import type { RawHeaders, ResponseSource } from './response-types.js';

export function isSource(v: unknown): v is ResponseSource {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ResponseSource).stream === 'function' &&
    typeof (v as ResponseSource).cancel === 'function'
  );
}

export function isRaw(h: unknown): h is RawHeaders {
  return typeof h === 'object' && h !== null && !(h instanceof Headers) && !Array.isArray(h);
}

export function sourceOfInit(body: BodyInit): { source: ResponseSource; type: string | null } {
  const carrier = new Response(body);
  return {
    source: {
      stream: () => carrier.body as ReadableStream<Uint8Array>,
      text: () => carrier.text(),
      arrayBuffer: () => carrier.arrayBuffer(),
      cancel: (reason) => void carrier.body?.cancel(reason).catch(() => {}),
    },
    type: carrier.headers.get('content-type'),
  };
}

export function streamSource(stream: ReadableStream<Uint8Array>): ResponseSource {
  return { stream: () => stream, cancel: (reason) => void stream.cancel(reason).catch(() => {}) };
}
