/**
 * Content decoders on node:zlib, handed to core through the Node transport's `decoders`:
 * gzip/x-gzip (concatenated members, which `DecompressionStream` refuses), deflate (zlib or
 * raw, sniffed), br, and zstd where node:zlib has it (Node ≥ 22.15; on Node 20 it is not
 * offered, so it is not advertised in Accept-Encoding either).
 * @module
 */
import { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { type Decoder, deflateDecoder } from '../../core/index.js';

type Make = () => Duplex;

function through(make: Make): Decoder {
  return (encoded) => encoded.pipeThrough(Duplex.toWeb(make()) as unknown as TransformStream<Uint8Array, Uint8Array>);
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
