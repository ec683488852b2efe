/**
 * The Node transport: one exchange over undici's dispatcher API (not undici.fetch, which is
 * several times slower and cannot leave bodies encoded).
 * @module
 */
import { Agent, type Dispatcher } from 'undici';
import {
  type Capabilities,
  type ExchangeContext,
  FerryResponse,
  type RequestBody,
  requestParts,
  type Transport,
} from '../../core/index.js';
import { bodySource, isCloseDelimited, type UndiciBody } from './body-source.js';
import { nodeDecoders } from './decoders.js';
import { sendExpectingContinue, wantsContinue } from './expect-continue.js';
import { mapError } from './map-error.js';
import { connectDispatchers, dispatchTimeouts, nodeTimeoutPhases } from './timeouts.js';
import { openWebSocket } from './websocket.js';

/** Options of `createNodeTransport()` (also `createClient({ node: {…} })`). */
export interface NodeTransportOptions {
  /** Connections per origin (default 10). */
  connections?: number;
  /** Idle pooled socket lifetime in ms (default 4000). */
  keepAliveTimeout?: number;
  /** Bring your own undici dispatcher (its pooling and TLS settings then apply). */
  dispatcher?: Dispatcher;
}

const capabilities: Capabilities = Object.freeze({
  manualRedirects: true,
  cookieHeaders: true,
  rawBody: true,
  streamingUpload: true,
  proxy: false,
  tls: false,
  unixSocket: false,
  http2: false,
  websocketHeaders: true,
  expectContinue: true,
  timeouts: nodeTimeoutPhases,
});

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

/**
 * Creates the Node transport.
 * @example
 * const client = createClient({ transport: createNodeTransport({ connections: 20 }) });
 */
export function createNodeTransport(options: NodeTransportOptions = {}): Transport {
  const connections = options.connections ?? 10;
  const agentOptions = { connections, keepAliveTimeout: options.keepAliveTimeout ?? 4000 };
  const dispatcher = options.dispatcher ?? new Agent(agentOptions);
  // A connect deadline is a connector setting: hops with one go through an Agent made for it.
  const byConnect = connectDispatchers(
    dispatcher,
    options.dispatcher ? undefined : (timeout) => new Agent({ ...agentOptions, connect: { timeout } }),
  );

  async function send(request: Request, ctx: ExchangeContext): Promise<Response> {
    const parts = requestParts(request);
    if (ctx.options.expectContinue !== false && wantsContinue(parts.body, ctx.options.expectContinue))
      return sendExpectingContinue(request, parts, ctx);
    const { url, method } = parts;
    const signal = ctx.signal;
    const exchange = { method, url: url.href, signal };
    let data: Dispatcher.ResponseData;
    try {
      const timeouts = ctx.options.timeout;
      data = await (timeouts === undefined ? dispatcher : byConnect.pick(timeouts.connect)).request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as Dispatcher.HttpMethod,
        headers: flatHeaders(parts.headers, parts.body),
        body: bodyForUndici(parts.body) as string,
        ...(signal ? { signal } : {}),
        ...dispatchTimeouts(timeouts),
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw mapError(e, exchange);
    }
    const body = data.body as unknown as UndiciBody;
    const headers = data.headers as Record<string, string | string[]>;
    const source = bodySource(body, exchange, isCloseDelimited(method, data.statusCode, headers));
    return new FerryResponse(source, {
      status: data.statusCode,
      statusText: data.statusText ?? '',
      headers,
      url: url.href,
      request,
      httpVersion: '1.1',
      complete: source.complete,
    });
  }

  return {
    name: 'node',
    websocket: (request, ctx, wsOptions) => openWebSocket(request, ctx, wsOptions),
    capabilities,
    decoders: nodeDecoders(),
    send,
    close: async () => {
      await Promise.all([dispatcher.close(), byConnect.close()]);
    },
  };
}
