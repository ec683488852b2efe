/**
 * Content decoders: `(encoded) => decoded` byte streams, keyed by content-coding.
 * @module
 */

/** Turns an encoded byte stream into a decoded one (e.g. a `DecompressionStream`). */
export type Decoder = (encoded: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
