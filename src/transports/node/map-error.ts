/**
 * Maps undici and socket errors onto ferry's error tree (no opaque "fetch failed").
 * @module
 */
import {
  ConnectError,
  describe,
  type FerryError,
  ProxyError,
  ResponseTruncatedError,
  TimeoutError,
  TLSError,
  TransportError,
} from '../../core/kit.js';
import { ProxyFailure } from './http-tunnel.js';

const connectCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOENT']);
const tlsReasons: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname does not match the certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown certificate authority (unable to verify the leaf certificate)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown certificate authority',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown certificate authority',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CERT_REVOKED: 'certificate revoked',
};

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The innermost error with a code, following `cause` (undici wraps socket errors). */
function rootCode(e: unknown): { code: string | undefined; error: unknown } {
  let cur: unknown = e;
  let found: { code: string | undefined; error: unknown } = { code: codeOf(e), error: e };
  for (let i = 0; i < 5 && cur; i++) {
    const code = codeOf(cur);
    if (code && !code.startsWith('UND_ERR_SOCKET')) found = { code, error: cur };
    if (code && (connectCodes.has(code) || code in tlsReasons || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')))
      return { code, error: cur };
    cur = (cur as { cause?: unknown }).cause;
  }
  return found;
}

/**
 * A ferry error for a failure while sending `request` or reading its body. `phase` says
 * whether the response had started (a failure after it is a truncation).
 */
export function mapError(
  e: unknown,
  request: { method: string; url: string },
  phase: 'request' | 'body' = 'request',
): FerryError | TransportError | unknown {
  if ((e as { [k: symbol]: unknown })?.[Symbol.for('ferry.error')]) return e;
  for (let cur: unknown = e, i = 0; i < 4 && cur; i++, cur = (cur as { cause?: unknown }).cause) {
    if (cur instanceof ProxyFailure)
      return cur.timedOut
        ? new TimeoutError(describe(`connect timeout: ${cur.message}`, request), 'connect', { cause: cur })
        : new ProxyError(describe(cur.message, request), cur.status, { cause: cur });
  }
  const { code, error } = rootCode(e);
  const msg = (error as Error)?.message ?? String(error);
  const init = { cause: e };
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError(describe('connect timeout', request), 'connect', init);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError(describe('timed out waiting for response headers', request), 'headers', init);
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError(describe('timed out waiting for body data', request), 'bodyIdle', init);
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new ResponseTruncatedError(describe('response body ended before Content-Length', request), init);
    case 'UND_ERR_PRX_TLS':
      return new ProxyError(describe(`proxy TLS failure: ${msg}`, request), undefined, init);
  }
  if (code && code in tlsReasons) return new TLSError(describe(`TLS: ${tlsReasons[code]}`, request), init);
  if (code && (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) return new TLSError(describe(`TLS: ${msg}`, request), init);
  if (code && connectCodes.has(code)) {
    const what =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'DNS lookup failed'
          : `cannot connect (${code})`;
    return new ConnectError(describe(what, request), init);
  }
  if (phase === 'body' || (code?.startsWith('HPE_') && /chunk/i.test(msg))) {
    const what =
      code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE'
        ? 'the connection closed before the body ended'
        : /chunk/i.test(msg)
          ? 'broken chunked encoding'
          : 'the body ended early';
    return new ResponseTruncatedError(describe(`response truncated: ${what} (${msg}${code ? `, ${code}` : ''})`, request), init);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
    return new TransportError(describe(`connection lost: ${msg}`, request), init);
  return new TransportError(describe(`${msg}${code ? ` (${code})` : ''}`, request), init);
}
