/**
 * Reads a byte stream to its end into one Uint8Array (no copy for a single chunk).
 * @module
 */

/** All bytes of `stream`, concatenated. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks, total);
}

/** `chunks` in one new Uint8Array (`total`: their byte count, when the caller kept it). */
export function concatBytes(chunks: readonly Uint8Array[], total = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
