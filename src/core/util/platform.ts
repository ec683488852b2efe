/**
 * Feature detection, in one place. Nothing here patches a global.
 * @module
 */

/**
 * The symbol keys under which this runtime's `Request` keeps its internals, when it keeps
 * them in own symbol properties (Node's bundled undici 6 does: state, signal, headers,
 * dispatcher). ferry's lazy requests answer those keys by materialising a real `Request`, so
 * `new Request(lazyRequest, init)` and the platform's `fetch(lazyRequest)` keep working.
 * Empty where internals are private fields or native slots; lazy requests are then off.
 */
export function requestInternalKeys(): readonly symbol[] {
  if (typeof Request !== 'function') return [];
  try {
    return Object.getOwnPropertySymbols(new Request('http://0.0.0.0/'));
  } catch {
    return [];
  }
}

/** True when `DecompressionStream` exists and knows `format`. */
export function hasDecompressionStream(format: string): boolean {
  if (typeof DecompressionStream !== 'function') return false;
  try {
    new DecompressionStream(format as CompressionFormat);
    return true;
  } catch {
    return false;
  }
}

/**
 * The length a platform Request knows for a string/bytes/Blob body (undici keeps it in an own
 * `state` symbol property), so such a body keeps its Content-Length; null elsewhere (chunked).
 */
export function platformBodyLength(request: Request): number | null {
  try {
    const key = Object.getOwnPropertySymbols(request).find((k) => k.description === 'state');
    if (key === undefined) return null;
    const length = (request as unknown as Record<symbol, { body?: { length?: unknown } | null } | undefined>)[key]?.body?.length;
    return typeof length === 'number' && Number.isSafeInteger(length) && length >= 0 ? length : null;
  } catch {
    return null;
  }
}
