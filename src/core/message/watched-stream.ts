/**
 * `res.body` that tells its response when someone starts reading it.
 * @module
 */

/** What the watch marks: the response's consumer (null while nobody read the body). */
export interface Consumable {
  consumer: string | null;
}

const streamTakers: readonly (string | symbol)[] = ['getReader', 'pipeTo', 'pipeThrough', 'tee', 'values', Symbol.asyncIterator];
const kWatched = Symbol('ferry.watched');

/** A ReadableStream prototype whose reading methods first mark the owning response consumed. */
const watchedProto: object = /* @__PURE__ */ (() => {
  const proto = Object.create(ReadableStream.prototype) as Record<string | symbol, unknown>;
  for (const key of streamTakers) {
    const original = (ReadableStream.prototype as unknown as Record<string | symbol, unknown>)[key];
    if (typeof original !== 'function') continue;
    Object.defineProperty(proto, key, {
      configurable: true,
      writable: true,
      value(this: { [kWatched]?: Consumable }, ...args: unknown[]): unknown {
        const s = this[kWatched];
        if (s) s.consumer ??= 'the body stream (res.body)';
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  }
  return proto;
})();

/**
 * Marks the response consumed by its stream as soon as anything starts reading `res.body`
 * (a reader, `for await`, a pipe), so a later `text()` throws StreamConsumedError instead of
 * returning an empty body. Merely touching `res.body` consumes nothing, as in fetch. Costs
 * one prototype switch, and only when `res.body` is touched.
 */
export function watchStream(stream: ReadableStream<Uint8Array>, s: Consumable): ReadableStream<Uint8Array> {
  const proto = Object.getPrototypeOf(stream);
  if (proto === ReadableStream.prototype) Object.setPrototypeOf(stream, watchedProto);
  else if (proto !== watchedProto) return stream; // a foreign stream class: left as it is
  // a stream handed on by deriveResponse now belongs to the new response
  (stream as unknown as { [kWatched]: Consumable })[kWatched] = s;
  return stream;
}
