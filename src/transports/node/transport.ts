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
  requestParts,
  type Transport,
} from '../../core/index.js';
import { bodySource, isCloseDelimited, type UndiciBody } from './body-source.js';
import { nodeDecoders } from './decoders.js';
import { createDispatchers, type Route } from './dispatchers.js';
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
  const retryStale = options.retryOnStaleConnection !== false;

  async function send(request: Request, ctx: ExchangeContext): Promise<Response> {
    const parts = requestParts(request);
    const { url, method } = parts;
    const route = dispatchers.route(url);
    const signal = ctx.signal;
    const exchange = { method, url: url.href, signal };
    if (ctx.options.expectContinue !== false && wantsContinue(parts.body, ctx.options.expectContinue))
      return sendExpectingContinue(request, parts, ctx, viaOf(route, exchange, 'expectContinue'));
    const body = parts.body;
    const timeouts = ctx.options.timeout;
    const dispatcher = timeouts === undefined ? route.dispatcher : route.byConnect.pick(timeouts.connect);
    const forward = route.forward;
    const headers = flatHeaders(parts.headers, body);
    const opts: Dispatcher.RequestOptions = {
      origin: forward ? forward.origin : url.origin,
      // Absolute form to a forwarding proxy; never with the URL's credentials.
      path: forward ? `${url.protocol}//${url.host}${url.pathname}${url.search}` : url.pathname + url.search,
      method: method as Dispatcher.HttpMethod,
      headers: forward ? forwardHeaders(headers, url, forward.authorization) : headers,
      body: bodyForUndici(body) as string,
    };
    if (signal) opts.signal = signal;
    let data: Dispatcher.ResponseData;
    try {
      data = await dispatcher.request(opts);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      const again = retryStale && isStaleConnectionError(e, dispatchers.socketOfError) ? replayableBody(method, body) : undefined;
      if (again === undefined) throw mapError(e, exchange);
      try {
        // On a connection of its own: the pool's other idle sockets may be just as stale.
        const resend = { ...opts, body: bodyForUndici(again) as string };
        data = await (route.fresh ? route.fresh(resend) : dispatcher.request(resend));
      } catch (e2) {
        if (signal?.aborted) throw signal.reason;
        throw mapError(e2, exchange);
      }
    }
    if (forward && data.statusCode === 407) {
      data.body.dump().catch(() => {});
      throw new ProxyError(describe(`proxy authentication required (407) from ${forward.label}`, exchange), 407);
    }
    const resHeaders = data.headers as Record<string, string | string[]>;
    const httpVersion = route.alpn?.get(url.host) === 'h2' ? '2' : '1.1';
    // Only HTTP/1.x frames a body by closing the connection (potential data loss).
    const closeDelimited = httpVersion !== '2' && isCloseDelimited(method, data.statusCode, resHeaders);
    const source = bodySource(data.body as unknown as UndiciBody, exchange, closeDelimited);
    return new FerryResponse(source, {
      status: data.statusCode,
      statusText: data.statusText ?? '',
      headers: resHeaders,
      url: url.href,
      request,
      httpVersion,
      complete: () => source.complete(),
    });
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
