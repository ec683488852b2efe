/**
 * `retryOnStaleConnection`: a keep-alive socket the server closed while it sat in the pool
 * fails the next request written to it. Such a request never reached the application, so an
 * idempotent one with a replayable body is sent once more (on another socket).
 * @module
 */
import type { Socket } from 'node:net';
import type { RequestBody } from '../../core/kit.js';

const idempotent = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const socketCodes = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** A fresh copy of `body` for a resend, or undefined when it cannot be replayed. */
export function replayableBody(method: string, body: RequestBody | null): RequestBody | null | undefined {
  if (!idempotent.has(method)) return undefined;
  if (body === null) return null;
  const { source } = body;
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof Blob) return body;
  return body.replay ? body.replay() : undefined;
}

/**
 * Whether `e` is a socket failure on a reused connection: one that had already read a
 * response (bytes read before this request) when the server's close or reset arrived.
 */
export function isStaleConnectionError(e: unknown, socketOfError: WeakMap<object, Socket>): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && socketCodes.has(code)) {
      const info = (cur as { socket?: { bytesRead?: number } }).socket ?? socketOfError.get(cur);
      return typeof info?.bytesRead === 'number' && info.bytesRead > 0;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
