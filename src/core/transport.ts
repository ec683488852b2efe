/**
 * The Transport interface: the one seam between ferry's platform-neutral core and a runtime.
 * @module
 */
import type { ExchangeContext } from './context.js';
import type { Decoder } from './decoder.js';
import type { TimeoutPhase } from './errors.js';
import type { Next } from './middleware.js';
import { lazyRequests, publish } from './request.js';
import type { FerryWebSocket, WebSocketHandler } from './websocket.js';

/** What a transport can do; middleware steps aside or throws `CapabilityError` where it cannot. */
export interface Capabilities {
  /** Sees the real 3xx. Browser: no (redirects are native; history unavailable). */
  readonly manualRedirects: boolean;
  /** May read `Set-Cookie` and set `Cookie`. Browser: no (cookies are the browser's). */
  readonly cookieHeaders: boolean;
  /** Delivers the body still encoded, so decoding (and its limits) is ferry's. */
  readonly rawBody: boolean;
  /** Sends `ReadableStream` request bodies of unknown length. */
  readonly streamingUpload: boolean;
  readonly proxy: boolean;
  readonly tls: boolean;
  readonly unixSocket: boolean;
  readonly http2: boolean;
  /** Can put headers on a WebSocket upgrade. */
  readonly websocketHeaders: boolean;
  /** Can send `Expect: 100-continue` and hold the body until `100 Continue`. */
  readonly expectContinue: boolean;
  /**
   * The platform verifies a request's `integrity` (Subresource Integrity) itself, as the
   * browser's fetch does. Absent or false: core's `integrity()` middleware reads the body
   * and verifies it before the response is handed on.
   */
  readonly integrity?: boolean;
  /**
   * Timeout phases the transport enforces itself from `ctx.options.timeout` (per hop).
   * The core times the others with timers on the response and body; `connect` it can only
   * bound by the wait for headers.
   */
  readonly timeouts?: readonly TimeoutPhase[];
}

/**
 * Does exactly one exchange: never follows redirects, never decodes, never touches cookies,
 * never retries; maps platform failures onto ferry's error tree and rethrows an abort's
 * `signal.reason` untouched.
 */
export interface Transport {
  readonly name: string;
  readonly capabilities: Capabilities;
  /** Content decoders this runtime offers beyond the web-standard ones (e.g. br, zstd on Node). */
  readonly decoders?: Readonly<Record<string, Decoder>>;
  send(request: Request, ctx: ExchangeContext): Promise<Response>;
  /** Upgrades to a WebSocket; a refusal rejects with a WebSocketError carrying the response. */
  websocket?(request: Request, ctx: ExchangeContext, options: WebSocketConnectOptions): Promise<FerryWebSocket>;
  /** Closes pooled connections (Twisted's closeCachedConnections). */
  close?(): Promise<void>;
}

/** Options a transport receives for a WebSocket upgrade. */
export interface WebSocketConnectOptions {
  readonly protocols: readonly string[];
  readonly maxPayload?: number | undefined;
  readonly perMessageDeflate?: boolean | undefined;
  readonly handler?: WebSocketHandler | undefined;
}

/**
 * `transport.send`, handed ferry's lazy requests only when the transport reads them through
 * `requestParts()` (ferry's own do) or lazy requests are real enough here; else each request
 * is published (built as a real `Request`) first, so a custom transport may give it to the
 * platform's `fetch`.
 */
export function transportSender(transport: Transport): Next {
  return takesLazyRequests(transport)
    ? (request, ctx) => transport.send(request, ctx)
    : (request, ctx) => transport.send(publish(request), ctx);
}

/**
 * Marks an object (a transport, an auth scheme) that reads requests only through
 * `requestParts()`/`deriveRequest()`, and so may receive ferry's lazy requests in every
 * runtime. Others receive `publish()`ed ones. Non-enumerable on purpose: a spread copy
 * (`{ ...transport, send }`) with code of its own does not inherit it.
 * @example
 * const transport = markReadsRequestParts({ name: 'mine', capabilities, send });
 */
export const readsRequestParts: unique symbol = Symbol.for('ferry.readsRequestParts');

/** Sets `readsRequestParts` on `target` (see there) and returns it. */
export function markReadsRequestParts<T extends object>(target: T): T {
  Object.defineProperty(target, readsRequestParts, { value: true, configurable: true });
  return target;
}

/** Whether `consumer` may receive lazy requests here (see `readsRequestParts`). */
export function takesLazyRequests(consumer: object): boolean {
  return lazyRequests || (consumer as { [readsRequestParts]?: unknown })[readsRequestParts] === true;
}
