/**
 * One error tree for everything ferry throws.
 *
 * ```
 * FerryError (brand Symbol.for('ferry.error'); `instanceof FerryError` checks the brand)
 * ├─ TransportError          ERR_NETWORK      no response (DNS, refused, reset); a TypeError, as fetch's
 * │  ├─ ConnectError         ERR_CONNECT      could not connect (refused, DNS, unreachable)
 * │  ├─ TimeoutError         ERR_TIMEOUT      phase: 'connect' | 'headers' | 'bodyIdle' | 'total'
 * │  ├─ TLSError             ERR_TLS          certificate or handshake failure
 * │  ├─ ProxyError           ERR_PROXY        the proxy refused (status) or failed
 * │  └─ ResponseTruncatedError ERR_TRUNCATED  the body ended before its declared end
 * ├─ DecodingError           ERR_DECODING     bad gzip/br/zstd data or over maxDecompressedBytes (TypeError)
 * ├─ IntegrityError          ERR_INTEGRITY    the body does not match the request's `integrity` (TypeError, as fetch's)
 * ├─ StreamConsumedError     ERR_STREAM_CONSUMED  a body read twice (TypeError)
 * ├─ InvalidOptionError      ERR_INVALID_OPTION   bad input, thrown before any I/O (TypeError)
 * ├─ CapabilityError         ERR_CAPABILITY   the transport cannot do what was asked
 * ├─ TooManyRedirectsError   ERR_TOO_MANY_REDIRECTS  history: Response[] (TypeError, as fetch's)
 * ├─ RedirectError           ERR_REDIRECT     unfollowable redirect, or any under redirect:'error' (TypeError, as fetch's)
 * ├─ HTTPStatusError         ERR_HTTP_STATUS  only with throwHttpErrors
 * ├─ AuthError               ERR_AUTH         e.g. an OAuth2 token endpoint refused
 * └─ WebSocketError          ERR_WEBSOCKET    upgrade refused (status, headers) or socket failure
 * ```
 *
 * Classes whose fetch counterpart is a `TypeError` extend `TypeError`, so code written for
 * `fetch` that catches `TypeError` keeps working; all carry the brand, so `isFerryError` and
 * `instanceof FerryError` hold for every one of them, across copies of the package.
 * @module
 */

const brand: unique symbol = Symbol.for('ferry.error') as never;

/** What every ferry error carries besides `message` and `cause`. */
export interface FerryErrorInit {
  cause?: unknown;
  request?: Request | undefined;
}

/** Removes credentials (user info) from a URL for messages. Never throws. */
export function scrubUrl(url: string | URL): string {
  const text = String(url);
  const at = text.indexOf('@');
  if (at === -1) return text;
  try {
    const u = new URL(text);
    if (u.username === '' && u.password === '') return text;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return text.replace(/\/\/[^/@]*@/, '//');
  }
}

/** `"<METHOD> <url without credentials>: <what>"`, or just `what` without a request. */
export function describe(what: string, request?: { method: string; url: string } | undefined): string {
  return request ? `${request.method} ${scrubUrl(request.url)}: ${what}` : what;
}

/**
 * A request that shows user code another object than itself defines this method: ferry's
 * lazy requests answer with a real `Request` where the platform needs one (see
 * message/request.ts). An error keeps what it returns as its `request`.
 */
export const requestView: unique symbol = Symbol.for('ferry.requestView') as never;

function stamp(target: Error, name: string, code: string, init: FerryErrorInit | undefined): void {
  Object.defineProperty(target, 'name', { value: name, configurable: true, writable: true });
  Object.defineProperty(target, brand, { value: true });
  (target as unknown as { code: string }).code = code;
  const request = init?.request as (Request & { [requestView]?: () => Request }) | undefined;
  if (request) (target as unknown as { request?: Request }).request = request[requestView]?.() ?? request;
}

function options(init: FerryErrorInit | undefined): ErrorOptions | undefined {
  return init && 'cause' in init ? { cause: init.cause } : undefined;
}

/** Base of every error ferry throws. `instanceof FerryError` checks the cross-copy brand. */
export class FerryError extends Error {
  declare readonly code: string;
  declare readonly request?: Request;
  constructor(message: string, init?: FerryErrorInit, code = 'ERR_FERRY') {
    super(message, options(init));
    stamp(this, new.target.name, code, init);
  }
}

// `instanceof FerryError` holds for every ferry error (TypeError-based ones too, and across
// copies of the package); subclasses keep the ordinary prototype check. A plain function, so
// `this` is the class on the right of `instanceof`.
Object.defineProperty(FerryError, Symbol.hasInstance, {
  value: function hasInstance(this: unknown, value: unknown): boolean {
    return this === FerryError ? isFerryError(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  },
});

/** Network failure: no response. A `TypeError`, like fetch's "fetch failed", but typed. */
export class TransportError extends TypeError {
  declare readonly code: string;
  declare readonly request?: Request;
  constructor(message: string, init?: FerryErrorInit, code = 'ERR_NETWORK') {
    super(message, options(init));
    stamp(this, new.target.name, code, init);
  }
}

/** The connection could not be made (refused, DNS, unreachable). */
export class ConnectError extends TransportError {
  constructor(message: string, init?: FerryErrorInit) {
    super(message, init, 'ERR_CONNECT');
  }
}

/** Which deadline ran out. */
export type TimeoutPhase = 'connect' | 'headers' | 'bodyIdle' | 'total';

/** A deadline ran out; `phase` says which. */
export class TimeoutError extends TransportError {
  readonly phase: TimeoutPhase;
  constructor(message: string, phase: TimeoutPhase, init?: FerryErrorInit) {
    super(message, init, 'ERR_TIMEOUT');
    this.phase = phase;
  }
}

/** TLS handshake or certificate failure; the message names the reason. */
export class TLSError extends TransportError {
  constructor(message: string, init?: FerryErrorInit) {
    super(message, init, 'ERR_TLS');
  }
}

/** The proxy refused the request (e.g. 407 on CONNECT) or failed; `status` when it answered. */
export class ProxyError extends TransportError {
  readonly status: number | undefined;
  constructor(message: string, status?: number, init?: FerryErrorInit) {
    super(message, init, 'ERR_PROXY');
    this.status = status;
  }
}

/** The body ended before its declared end (Content-Length mismatch, broken chunked encoding). */
export class ResponseTruncatedError extends TransportError {
  constructor(message: string, init?: FerryErrorInit) {
    super(message, init, 'ERR_TRUNCATED');
  }
}

/** A content-coding could not be decoded, or decoding passed `maxDecompressedBytes`. */
export class DecodingError extends TypeError {
  declare readonly code: string;
  declare readonly request?: Request;
  constructor(message: string, init?: FerryErrorInit) {
    super(message, options(init));
    stamp(this, new.target.name, 'ERR_DECODING', init);
  }
}

/**
 * The response body does not match the request's `integrity` metadata (Subresource
 * Integrity); fetch fails such a request with a TypeError. `algorithm` is the one checked.
 */
export class IntegrityError extends TypeError {
  declare readonly code: string;
  declare readonly request?: Request;
  readonly algorithm: string;
  constructor(message: string, algorithm: string, init?: FerryErrorInit) {
    super(message, options(init));
    stamp(this, new.target.name, 'ERR_INTEGRITY', init);
    this.algorithm = algorithm;
  }
}

/** A body was read after it had been consumed; the message says what consumed it. */
export class StreamConsumedError extends TypeError {
  declare readonly code: string;
  constructor(message: string, init?: FerryErrorInit) {
    super(message, options(init));
    stamp(this, new.target.name, 'ERR_STREAM_CONSUMED', init);
  }
}

/** Bad input, thrown synchronously before any I/O; `option` names the option path. */
export class InvalidOptionError extends TypeError {
  declare readonly code: string;
  readonly option: string;
  constructor(option: string, message: string, init?: FerryErrorInit) {
    super(message, options(init));
    stamp(this, new.target.name, 'ERR_INVALID_OPTION', init);
    this.option = option;
  }
}

/** The transport cannot do what was explicitly asked; names the transport and the capability. */
export class CapabilityError extends FerryError {
  readonly transport: string;
  readonly capability: string;
  constructor(transport: string, capability: string, message?: string, init?: FerryErrorInit) {
    super(message ?? `the ${transport} transport cannot do ${capability}`, init, 'ERR_CAPABILITY');
    this.transport = transport;
    this.capability = capability;
  }
}

/** More redirects than `maxRedirects`; `history` holds every response seen. */
export class TooManyRedirectsError extends TypeError {
  declare readonly code: string;
  declare readonly request?: Request;
  readonly history: readonly Response[];
  constructor(message: string, history: readonly Response[], init?: FerryErrorInit) {
    super(message, options(init));
    stamp(this, new.target.name, 'ERR_TOO_MANY_REDIRECTS', init);
    this.history = history;
  }
}

/** A redirect that cannot be followed: unparsable Location, refused scheme, one-shot body. */
export class RedirectError extends TypeError {
  declare readonly code: string;
  declare readonly request?: Request;
  readonly response: Response | undefined;
  constructor(message: string, response?: Response, init?: FerryErrorInit) {
    super(message, options(init));
    stamp(this, new.target.name, 'ERR_REDIRECT', init);
    this.response = response;
  }
}

/** A non-2xx response, thrown only when `throwHttpErrors` is on. */
export class HTTPStatusError extends FerryError {
  readonly response: Response;
  readonly status: number;
  constructor(message: string, response: Response, init?: FerryErrorInit) {
    super(message, init, 'ERR_HTTP_STATUS');
    this.response = response;
    this.status = response.status;
  }
}

/** Authentication failed in a way the flow cannot answer (e.g. the token endpoint refused). */
export class AuthError extends FerryError {
  /** The OAuth `error` code, where there is one. */
  readonly error: string | undefined;
  readonly response: Response | undefined;
  constructor(message: string, details?: { error?: string; response?: Response }, init?: FerryErrorInit) {
    super(message, init, 'ERR_AUTH');
    this.error = details?.error;
    this.response = details?.response;
  }
}

/** A WebSocket upgrade was refused (`status`, `headers`) or the socket failed. */
export class WebSocketError extends FerryError {
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  /** The refusing response, where there was one. */
  readonly response: Response | undefined;
  constructor(message: string, details?: { status?: number; headers?: Headers; response?: Response }, init?: FerryErrorInit) {
    super(message, init, 'ERR_WEBSOCKET');
    this.status = details?.status;
    this.headers = details?.headers;
    this.response = details?.response;
  }
}

/**
 * True for any error thrown by ferry, from any copy of the package.
 * @example
 * try { await fetch(url) } catch (e) { if (isFerryError(e)) console.log(e.code) }
 */
export function isFerryError(value: unknown): value is FerryError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** True for a network failure (no response). */
export function isTransportError(value: unknown): value is TransportError {
  return isFerryError(value) && value instanceof TypeError && 'code' in value && isNetworkCode(value.code);
}

function isNetworkCode(code: string): boolean {
  return (
    code === 'ERR_NETWORK' ||
    code === 'ERR_CONNECT' ||
    code === 'ERR_TIMEOUT' ||
    code === 'ERR_TLS' ||
    code === 'ERR_PROXY' ||
    code === 'ERR_TRUNCATED'
  );
}

/** True for a timeout of any phase. */
export function isTimeoutError(value: unknown): value is TimeoutError {
  return isFerryError(value) && value.code === 'ERR_TIMEOUT';
}
