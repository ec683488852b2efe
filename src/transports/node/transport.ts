/**
 * The Node transport: one exchange over undici's dispatcher API (not undici.fetch, which is
 * several times slower and cannot leave bodies encoded).
 * @module
 */
import type { Dispatcher } from 'undici';
import {
  type Capabilities,
  CapabilityError,
  describe,
  type ExchangeContext,
  FerryResponse,
  markReadsRequestParts,
  ProxyError,
  type RequestBody,
  type RequestParts,
  requestParts,
  type Transport,
} from '../../core/kit.js';
import { bodySource, isCloseDelimited, type UndiciBody } from './body-source.js';
import { nodeDecoders } from './decoders.js';
import { createDispatchers, type Dispatchers, type Route } from './dispatchers.js';
import { sendExpectingContinue, wantsContinue } from './expect-continue.js';
import { mapError } from './map-error.js';
import type { NodePoolStats, NodeTransportOptions } from './node-options.js';
import { isStaleConnectionError, replayableBody } from './stale-connection.js';
import { nodeTimeoutPhases } from './timeouts.js';
import { validateNodeOptions } from './validate-options.js';
import { openWebSocket, type WebSocketConnectVia } from './websocket.js';
import { webSocketRouter } from './websocket-via.js';

export type { NodePoolStats, NodeTransportOptions } from './node-options.js';

/** The Node transport: a `Transport` with pool statistics. */
export interface NodeTransport extends Transport {
  /** Connections per origin (per proxy, for requests forwarded in absolute form): open, busy, idle, queued. */
  stats(): Record<string, NodePoolStats>;
  close(): Promise<void>;
}

const capabilities: Capabilities = Object.freeze({
  manualRedirects: true,
  cookieHeaders: true,
  rawBody: true,
  streamingUpload: true,
  proxy: true,
  tls: true,
  unixSocket: true,
  http2: true,
  websocketHeaders: true,
  expectContinue: true,
  timeouts: nodeTimeoutPhases,
});

const ownDispatcherCapabilities: Capabilities = Object.freeze({ ...capabilities, timeouts: [] });

type UndiciBodyInit = string | Uint8Array | AsyncIterable<Uint8Array | string> | null;

function bodyForUndici(body: RequestBody | null): UndiciBodyInit {
  if (body === null) return null;
  const { source } = body;
  if (typeof source === 'string' || source instanceof Uint8Array) return source;
  if (source instanceof Blob) return source.stream() as unknown as AsyncIterable<Uint8Array>;
  return source as AsyncIterable<Uint8Array | string>;
}

function flatHeaders(headers: Headers | readonly (readonly [string, string])[], body: RequestBody | null): string[] {
  const flat: string[] = [];
  let hasLength = false;
  if (headers instanceof Headers) {
    headers.forEach((v, k) => {
      if (k === 'content-length') hasLength = true;
      flat.push(k, v);
    });
  } else {
    for (const [k, v] of headers) {
      if (k === 'content-length') hasLength = true;
      flat.push(k, v);
    }
  }
  // Strings and bytes get their length from undici; a Blob streamed keeps its known length.
  if (!hasLength && body !== null && body.length !== null && typeof body.source !== 'string' && !(body.source instanceof Uint8Array)) {
    flat.push('content-length', String(body.length));
  }
  return flat;
}

function forwardHeaders(flat: string[], url: URL, authorization: string | null): string[] {
  let host = false;
  let proxyAuth = false;
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === 'host') host = true;
    else if (flat[i] === 'proxy-authorization') proxyAuth = true;
  }
  if (!host) flat.push('host', url.host);
  if (authorization !== null && !proxyAuth) flat.push('proxy-authorization', authorization);
  return flat;
}

function viaOf(route: Route, exchange: { method: string; url: string }, what: string): Record<string, unknown> {
  if (!route.direct)
    throw new CapabilityError('node', what, describe(`${what} is not available through a proxy or a custom connector`, exchange));
  const { tls, socketPath } = route.direct;
  return { ...tls, ...(socketPath !== undefined ? { socketPath } : {}) };
}

/** What every exchange of one transport shares. */
interface Shared {
  readonly dispatchers: Dispatchers;
  readonly retryStale: boolean;
}

type Answer = Dispatcher.ResponseData & { opaque: unknown };

/**
 * One exchange while undici works on it: everything its answer or failure needs, in one
 * object that undici hands back (as `opaque`) to one shared callback. Whatever stays alive
 * until the server answers is copied by every young-generation GC meanwhile, so this takes
 * the place of an async frame, undici's own promise and its callback closure.
 */
class InFlight {
  /** The URL as a string: `mapError` and the body source name the exchange by it. */
  readonly url: string;
  resent = false;
  resolve: (response: Response) => void = noop;
  reject: (error: unknown) => void = noop;

  constructor(
    readonly request: Request,
    readonly target: URL,
    readonly method: string,
    readonly signal: AbortSignal | undefined,
    readonly route: Route,
    readonly body: RequestBody | null,
    readonly shared: Shared,
  ) {
    this.url = target.href;
  }

  answer(data: Dispatcher.ResponseData<unknown>): void {
    let response: Response;
    try {
      response = this.response(data);
    } catch (e) {
      this.fail(e);
      return;
    }
    const resolve = this.resolve;
    this.#settled();
    resolve(response);
  }

  fail(error: unknown): void {
    const reject = this.reject;
    this.#settled();
    reject(error);
  }

  /**
   * undici keeps this object (its `opaque`) until the body is read, and the promise holds the
   * response: letting go of the promise lets a response dropped unread be collected (and its
   * connection released, see body-source.ts).
   */
  #settled(): void {
    this.resolve = noop;
    this.reject = noop;
  }

  response(data: Dispatcher.ResponseData<unknown>): Response {
    const forward = this.route.forward;
    if (forward && data.statusCode === 407) {
      data.body.dump().catch(() => {});
      throw new ProxyError(describe(`proxy authentication required (407) from ${forward.label}`, this), 407);
    }
    const resHeaders = data.headers as Record<string, string | string[]>;
    const httpVersion = this.route.alpn?.get(this.target.host) === 'h2' ? '2' : '1.1';
    // Only HTTP/1.x frames a body by closing the connection (potential data loss).
    const closeDelimited = httpVersion !== '2' && isCloseDelimited(this.method, data.statusCode, resHeaders);
    const source = bodySource(data.body as unknown as UndiciBody, this, closeDelimited);
    return new FerryResponse(source, {
      status: data.statusCode,
      statusText: data.statusText ?? '',
      headers: resHeaders,
      url: this.url,
      request: this.request,
      httpVersion,
      complete: () => source.complete(),
    });
  }

  failed(e: unknown): void {
    const { signal, shared } = this;
    const again =
      !signal?.aborted && !this.resent && shared.retryStale && isStaleConnectionError(e, shared.dispatchers.socketOfError)
        ? replayableBody(this.method, this.body)
        : undefined;
    if (again === undefined) {
      this.fail(signal?.aborted ? signal.reason : mapError(e, this));
      return;
    }
    this.resent = true;
    // On a connection of its own: the pool's other idle sockets may be just as stale.
    const resend = undiciOptions(this, requestParts(this.request).headers, again);
    const { route } = this;
    (route.fresh ? route.fresh(resend) : route.dispatcher.request(resend)).then(
      (data) => this.answer(data),
      (e2: unknown) => this.fail(signal?.aborted ? signal.reason : mapError(e2, this)),
    );
  }
}

/** undici's options for an exchange (made again for a resend: nothing keeps them meanwhile). */
function undiciOptions(
  flight: InFlight,
  headerList: RequestParts['headers'],
  body: RequestBody | null,
): Dispatcher.RequestOptions<InFlight> {
  const { target: url, route } = flight;
  const forward = route.forward;
  const headers = flatHeaders(headerList, body);
  const opts: Dispatcher.RequestOptions<InFlight> = {
    origin: forward ? forward.origin : url.origin,
    // Absolute form to a forwarding proxy; never with the URL's credentials.
    path: forward ? `${url.protocol}//${url.host}${url.pathname}${url.search}` : url.pathname + url.search,
    method: flight.method as Dispatcher.HttpMethod,
    headers: forward ? forwardHeaders(headers, url, forward.authorization) : headers,
    body: bodyForUndici(body) as string,
    opaque: flight,
  };
  if (flight.signal) opts.signal = flight.signal;
  return opts;
}

function noop(): void {}

/** undici's callback for every exchange (see InFlight). */
function answered(error: Error | null, data: Answer | { opaque: unknown }): void {
  const flight = data.opaque as InFlight;
  if (error) flight.failed(error);
  else flight.answer(data as Answer);
}

/**
 * Creates the Node transport.
 * @example
 * const transport = createNodeTransport({ connections: 20, proxy: 'http://127.0.0.1:3128', tls: { verify: caPem } });
 * const client = createClient({ transport });
 */
export function createNodeTransport(input: NodeTransportOptions = {}): NodeTransport {
  const options = validateNodeOptions(input);
  const dispatchers = createDispatchers(options);
  let wsVia: ((url: URL) => WebSocketConnectVia) | undefined;
  const shared: Shared = { dispatchers, retryStale: options.retryOnStaleConnection !== false };

  function send(request: Request, ctx: ExchangeContext): Promise<Response> {
    const parts = requestParts(request);
    const { url, method } = parts;
    const route = dispatchers.route(url);
    const signal = ctx.signal;
    if (ctx.options.expectContinue !== false && wantsContinue(parts.body, ctx.options.expectContinue))
      return sendExpectingContinue(request, parts, ctx, viaOf(route, { method, url: url.href }, 'expectContinue'));
    const body = parts.body;
    const timeouts = ctx.options.timeout;
    const dispatcher = timeouts === undefined ? route.dispatcher : route.byConnect.pick(timeouts.connect);
    const flight = new InFlight(request, url, method, signal, route, body, shared);
    const p = new Promise<Response>((resolve, reject) => {
      flight.resolve = resolve;
      flight.reject = reject;
    });
    try {
      dispatcher.request(undiciOptions(flight, parts.headers, body), answered);
    } catch (e) {
      // undici reports bad options through the callback; a user's dispatcher may throw
      flight.failed(e);
    }
    return p;
  }

  return markReadsRequestParts({
    name: 'node',
    websocket: (request, ctx, wsOptions) => {
      wsVia ??= webSocketRouter(options);
      return openWebSocket(request, ctx, wsOptions, wsVia(requestParts(request).url));
    },
    // A user's own dispatcher keeps its own connect timeout, which ferry cannot set per hop:
    // the core then bounds the wait for headers by a `connect` deadline (never dropped).
    capabilities: options.dispatcher ? ownDispatcherCapabilities : capabilities,
    decoders: nodeDecoders(),
    send,
    stats: () => dispatchers.stats(),
    close: () => dispatchers.close(),
  });
}
