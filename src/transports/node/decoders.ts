/**
 * Content decoders on node:zlib, handed to core through the Node transport's `decoders`:
 * gzip/x-gzip (concatenated members, which `DecompressionStream` refuses), deflate (zlib or
 * raw, sniffed), br, and zstd where node:zlib has it (Node ≥ 22.15; on Node 20 it is not
 * offered, so it is not advertised in Accept-Encoding either).
 * @module
 */
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { type Decoder, deflateDecoder } from '../../core/kit.js';

type Make = () => Duplex;

/** Decoded bytes queued ahead of the reader at most (then zlib pauses, then the socket). */
const highWaterMark = 64 * 1024;

/**
 * A zlib stream as a Decoder with byte-counted backpressure end to end: the encoded body is
 * read only when zlib wants input, and zlib inflates only while the reader wants output, so a
 * bomb never inflates ahead of the reader. (`Duplex.toWeb` queues up to 16384 *chunks*.)
 * An error of the encoded stream passes through as it is; zlib's own errors error the stream.
 */
function through(make: Make): Decoder {
  return (encoded) => {
    const reader = encoded.getReader();
    const z = make();
    let started = false;
    let finished = false;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const fail = (e: unknown): void => {
      if (finished) return;
      finished = true;
      controller.error(e);
      z.destroy();
      reader.cancel(e).catch(() => {});
    };
    async function pump(): Promise<void> {
      try {
        for (;;) {
          const r = await reader.read();
          if (finished) return;
          if (r.done) {
            z.end();
            return;
          }
          if (!z.write(r.value)) {
            await new Promise<void>((resolve) => {
              const go = (): void => {
                z.off('drain', go);
                z.off('close', go);
                resolve();
              };
              z.on('drain', go);
              z.on('close', go);
            });
          }
          if (finished || z.destroyed) return;
        }
      } catch (e) {
        fail(e);
      }
    }
    return new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
          z.on('data', (chunk: Buffer) => {
            if (finished) return;
            c.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if ((c.desiredSize ?? 0) <= 0) z.pause();
          });
          z.on('end', () => {
            if (finished) return;
            finished = true;
            c.close();
            reader.cancel().catch(() => {});
          });
          z.on('error', fail);
          z.pause();
        },
        pull() {
          if (!started) {
            started = true;
            void pump();
          }
          z.resume();
        },
        cancel(reason) {
          finished = true;
          z.destroy();
          return reader.cancel(reason);
        },
      },
      { highWaterMark, size: (chunk) => chunk.byteLength },
    );
  };
}

/** node:zlib's zstd decompressor factory, where this Node has one. */
export function zstdFactory(): Make | undefined {
  const make = (zlib as unknown as { createZstdDecompress?: Make }).createZstdDecompress;
  return typeof make === 'function' ? () => make.call(zlib) : undefined;
}

/**
 * The decoders this Node offers, keyed by content-coding.
 * @example
 * Object.keys(nodeDecoders()); // ['gzip', 'x-gzip', 'deflate', 'br', 'zstd'] on Node 22.15+
 */
export function nodeDecoders(): Readonly<Record<string, Decoder>> {
  const gzip = through(() => zlib.createGunzip());
  const out: Record<string, Decoder> = {
    gzip,
    'x-gzip': gzip,
    deflate: deflateDecoder(
      through(() => zlib.createInflate()),
      through(() => zlib.createInflateRaw()),
    ),
    br: through(() => zlib.createBrotliDecompress()),
  };
  const zstd = zstdFactory();
  if (zstd) out.zstd = through(zstd);
  return Object.freeze(out);
}
