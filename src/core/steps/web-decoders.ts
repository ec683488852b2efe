/**
 * Content decoders from web standards (`DecompressionStream`) and the deflate sniffing every
 * runtime needs: servers send `Content-Encoding: deflate` both zlib-wrapped (RFC 1950, as the
 * spec says) and raw (RFC 1951, as old IIS did), so the first two bytes decide.
 * @module
 */
import type { Decoder } from '../types.js';
import { hasDecompressionStream } from '../util/platform.js';

function byteAt(chunks: readonly Uint8Array[], index: number): number {
  let i = index;
  for (const c of chunks) {
    if (i < c.byteLength) return c[i] as number;
    i -= c.byteLength;
  }
  return -1;
}

/** True when the two bytes are a zlib (RFC 1950) header with the deflate method. */
export function isZlibHeader(b0: number, b1: number): boolean {
  return b0 >= 0 && b1 >= 0 && (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0;
}

/**
 * A `deflate` decoder that looks at the first two bytes and hands the stream to `wrapped`
 * (zlib, RFC 1950) or `raw` (RFC 1951). An empty body decodes to an empty body.
 * @example
 * const deflate = deflateDecoder(
 *   (s) => s.pipeThrough(new DecompressionStream('deflate')),
 *   (s) => s.pipeThrough(new DecompressionStream('deflate-raw')),
 * );
 */
export function deflateDecoder(wrapped: Decoder, raw: Decoder): Decoder {
  return (encoded) => {
    const reader = encoded.getReader();
    let inner: ReadableStreamDefaultReader<Uint8Array> | null = null;
    let empty = false;
    async function open(): Promise<void> {
      const head: Uint8Array[] = [];
      let length = 0;
      let ended = false;
      while (length < 2) {
        const r = await reader.read();
        if (r.done) {
          ended = true;
          break;
        }
        if (r.value.byteLength === 0) continue;
        head.push(r.value);
        length += r.value.byteLength;
      }
      if (length === 0) {
        empty = true;
        return;
      }
      let i = 0;
      const replayed = new ReadableStream<Uint8Array>(
        {
          async pull(c) {
            if (i < head.length) c.enqueue(head[i++] as Uint8Array);
            else if (ended) c.close();
            else {
              const r = await reader.read();
              if (r.done) c.close();
              else c.enqueue(r.value);
            }
          },
          cancel: (reason) => reader.cancel(reason),
        },
        { highWaterMark: 0 },
      );
      inner = (isZlibHeader(byteAt(head, 0), byteAt(head, 1)) ? wrapped : raw)(replayed).getReader();
    }
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (inner === null && !empty) await open();
          if (inner === null) {
            controller.close();
            return;
          }
          const r = await inner.read();
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        },
        cancel: (reason) => (inner ? inner.cancel(reason) : reader.cancel(reason)),
      },
      { highWaterMark: 0 },
    );
  };
}

function stream(format: string): Decoder {
  return (encoded) => encoded.pipeThrough(new DecompressionStream(format as CompressionFormat) as TransformStream<Uint8Array, Uint8Array>);
}

let cached: Readonly<Record<string, Decoder>> | undefined;

/**
 * The decoders the runtime's `DecompressionStream` offers: `gzip`/`x-gzip` and `deflate`
 * (zlib-wrapped or raw). Per the Compression Streams spec these decode one gzip member;
 * transports that can do better (Node: concatenated members) hand over their own.
 */
export function webDecoders(): Readonly<Record<string, Decoder>> {
  if (cached) return cached;
  const out: Record<string, Decoder> = {};
  if (hasDecompressionStream('gzip')) out.gzip = out['x-gzip'] = stream('gzip');
  if (hasDecompressionStream('deflate') && hasDecompressionStream('deflate-raw'))
    out.deflate = deflateDecoder(stream('deflate'), stream('deflate-raw'));
  cached = Object.freeze(out);
  return cached;
}
