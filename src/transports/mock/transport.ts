/**
 * The mock transport: answers requests from msw request handlers (resolved by msw's own
 * `getResponse`, no global interception, no patched fetch) or from a plain function such as a
 * Hono app's `fetch`. The whole middleware chain runs on top of it, as on a real transport.
 * @module
 */
import {
  type Capabilities,
  deriveRequest,
  deriveResponse,
  describe,
  type ExchangeContext,
  type FerryWebSocket,
  InvalidOptionError,
  markReadsRequestParts,
  type RequestBody,
  type ResponseSource,
  type Transport,
  TransportError,
  type WebSocketConnectOptions,
} from '../../core/kit.js';
import { handlerRequest, type RecordedRequest, recordRequest } from './record.js';
import { connectMockWebSocket, type MswWebSocketHandler } from './websocket.js';

/** A plain handler: return a Response, or undefined to leave the request unhandled. */
export type MockHandlerFunction = (request: Request) => Response | undefined | Promise<Response | undefined>;

/**
 * An msw handler: `http.get(…)`, `graphql.query(…)` or `ws.link(url).addEventListener(…)`,
 * described structurally so msw stays an optional dependency.
 */
export interface MswRequestHandler {
  run(...args: never[]): unknown;
}

/** One entry of the handler list. */
export type MockHandler = MswRequestHandler | MockHandlerFunction;

/** Options of `createMockTransport()`. */
export interface MockTransportOptions {
  /**
   * What happens to a request no handler answered (or one answered with msw's `passthrough()`):
   * `'error'` (default) rejects with a `TransportError` (code `ERR_MOCK_UNHANDLED`) naming
   * method and URL; a `Transport` gets the request instead (pass-through to a real network),
   * and is closed by the mock transport's `close()`.
   */
  onUnhandled?: 'error' | Transport;
  /** Capabilities to pretend (e.g. `{ manualRedirects: false, cookieHeaders: false }` to act like a browser). */
  capabilities?: Partial<Capabilities>;
}

/** The mock transport: a Transport that also records and can take more handlers. */
export interface MockTransport extends Transport {
  /** Every request seen, oldest first (method, URL, headers, body bytes). */
  readonly requests: readonly RecordedRequest[];
  /** Adds handlers in front of the current ones (like msw's `server.use()`). */
  use(...handlers: MockHandler[]): void;
  /** Forgets the recorded requests and the handlers added by `use()`. */
  reset(): void;
}

const defaultCapabilities: Capabilities = Object.freeze({
  manualRedirects: true,
  cookieHeaders: true,
  rawBody: true,
  streamingUpload: true,
  proxy: false,
  tls: false,
  unixSocket: false,
  http2: false,
  websocketHeaders: true,
  expectContinue: false,
});

type GetResponse = (handlers: MswRequestHandler[], request: Request) => Promise<Response | undefined>;
let mswGetResponse: Promise<GetResponse> | undefined;

/** Loads msw only when msw handlers are in use (it is an optional peer dependency). */
function loadMsw(): Promise<GetResponse> {
  mswGetResponse ??= import('msw').then(
    (m) => m.getResponse as unknown as GetResponse,
    (e: unknown) => {
      mswGetResponse = undefined;
      throw new InvalidOptionError('handlers', 'handlers: msw request handlers need the msw package (npm install -D msw)', { cause: e });
    },
  );
  return mswGetResponse;
}

function checkHandlers(list: readonly unknown[]): MockHandler[] {
  return list.map((h, i) => {
    if (typeof h === 'function') return h as MockHandlerFunction;
    if (typeof h === 'object' && h !== null && typeof (h as MswRequestHandler).run === 'function') return h as MswRequestHandler;
    throw new InvalidOptionError(`handlers[${i}]`, `handlers[${i}]: expected an msw request handler or a function`);
  });
}

function isWebSocketHandler(h: MockHandler): h is MswRequestHandler & MswWebSocketHandler {
  return typeof h !== 'function' && (h as { kind?: unknown }).kind === 'websocket';
}

function isPassthrough(res: Response): boolean {
  return res.status === 302 && res.headers.get('x-msw-intention') === 'passthrough';
}

/** Runs the handlers in order; consecutive msw handlers go to msw's `getResponse` together. */
async function resolve(handlers: readonly MockHandler[], record: RecordedRequest, ctx: ExchangeContext): Promise<Response | undefined> {
  let i = 0;
  while (i < handlers.length) {
    const h = handlers[i] as MockHandler;
    let res: Response | undefined;
    if (typeof h === 'function') {
      res = await h(handlerRequest(record, ctx));
      i++;
    } else {
      const batch: MswRequestHandler[] = [];
      for (; i < handlers.length && typeof handlers[i] !== 'function'; i++) {
        const h = handlers[i] as MswRequestHandler;
        if (!isWebSocketHandler(h)) batch.push(h);
      }
      if (batch.length === 0) continue;
      const getResponse = await loadMsw();
      res = await getResponse(batch, handlerRequest(record, ctx));
    }
    if (res !== undefined) return res;
  }
  return undefined;
}

/** Rejects with `signal.reason` as soon as the signal aborts. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((ok, fail) => {
    const onAbort = (): void => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        ok(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        fail(e);
      },
    );
  });
}

/** The handler's body, errored with `signal.reason` when the exchange aborts mid-body. */
function bodySource(res: Response, signal: AbortSignal | undefined): ResponseSource | null {
  const body = res.body;
  if (body === null) return null;
  if (!signal) {
    return {
      stream: () => body,
      text: () => res.text(),
      arrayBuffer: () => res.arrayBuffer(),
      cancel: (reason) => void body.cancel(reason).catch(() => {}),
    };
  }
  const reader = body.getReader();
  const onAbort = (): void => {
    controller?.error(signal.reason);
    void reader.cancel(signal.reason).catch(() => {});
  };
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const done = (): void => signal.removeEventListener('abort', onAbort);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    },
    async pull(c) {
      try {
        const { done: end, value } = await reader.read();
        if (signal.aborted) return;
        if (end) {
          done();
          c.close();
        } else c.enqueue(value);
      } catch (e) {
        done();
        if (!signal.aborted) c.error(e);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
  return { stream: () => stream, cancel: (reason) => void stream.cancel(reason).catch(() => {}) };
}

function replayable(bytes: Uint8Array | null): RequestBody | null {
  if (bytes === null) return null;
  const body: RequestBody = { source: bytes, length: bytes.byteLength, type: null, replay: () => body };
  return body;
}

/**
 * Creates a mock transport from msw request handlers or a plain function. Every request is
 * read whole, recorded in `transport.requests` and handed to the handlers as a plain `Request`;
 * `HttpResponse.error()` becomes a `TransportError`; an unmatched request rejects with an error
 * naming method and URL (or goes to `onUnhandled`, a real transport). msw is loaded only when
 * msw handlers are given. Platform-neutral: works in every runtime.
 * @example
 * import { http, HttpResponse } from 'msw';
 * const transport = createMockTransport([http.get('https://api.example.com/user', () => HttpResponse.json({ id: 1 }))]);
 * const client = createClient({ transport });
 * await (await client.get('https://api.example.com/user')).json(); // { id: 1 }
 * transport.requests[0]?.method; // 'GET'
 */
export function createMockTransport(
  handlers: MockHandlerFunction | readonly MockHandler[],
  options: MockTransportOptions = {},
): MockTransport {
  if (typeof handlers !== 'function' && !Array.isArray(handlers))
    throw new InvalidOptionError('handlers', 'handlers: expected an array of msw request handlers or a function');
  const base = checkHandlers(typeof handlers === 'function' ? [handlers] : handlers);
  const onUnhandled = options.onUnhandled ?? 'error';
  if (onUnhandled !== 'error' && (typeof onUnhandled !== 'object' || onUnhandled === null || typeof onUnhandled.send !== 'function'))
    throw new InvalidOptionError('onUnhandled', "onUnhandled: expected 'error' or a Transport");
  const capabilities: Capabilities = Object.freeze({ ...defaultCapabilities, ...options.capabilities });
  let extra: MockHandler[] = [];
  const requests: RecordedRequest[] = [];

  async function exchange(request: Request, ctx: ExchangeContext): Promise<Response> {
    const record = await recordRequest(request, ctx);
    requests.push(record);
    const exchange = { method: record.method, url: record.url };
    let res: Response | undefined;
    try {
      res = await resolve(extra.length ? [...extra, ...base] : base, record, ctx);
    } catch (e) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      throw e;
    }
    if (res === undefined || isPassthrough(res)) {
      if (onUnhandled === 'error') {
        const what = res === undefined ? 'no mock handler matched' : 'passthrough() with no onUnhandled transport';
        throw new TransportError(describe(what, exchange), { request }, 'ERR_MOCK_UNHANDLED');
      }
      return onUnhandled.send(deriveRequest(request, { body: replayable(record.body) }), ctx);
    }
    if (res.type === 'error') throw new TransportError(describe('network error (mocked)', exchange), { request });
    if (record.method === 'HEAD') {
      // As on the wire: a HEAD answer has headers only, whatever the handler put in the body.
      void res.body?.cancel().catch(() => {});
      return deriveResponse(res, { url: record.url, request, body: null, redirected: false });
    }
    return deriveResponse(res, { url: record.url, request, body: bodySource(res, ctx.signal), redirected: false });
  }

  async function upgrade(request: Request, ctx: ExchangeContext, options: WebSocketConnectOptions): Promise<FerryWebSocket> {
    const record = await recordRequest(request, ctx);
    requests.push(record);
    const all = extra.length ? [...extra, ...base] : base;
    const socket = await connectMockWebSocket(all.filter(isWebSocketHandler), request, ctx, options);
    if (socket) return socket;
    if (onUnhandled !== 'error' && onUnhandled.websocket) return onUnhandled.websocket(request, ctx, options);
    throw new TransportError(
      describe('no mock WebSocket handler matched', { method: record.method, url: record.url }),
      { request },
      'ERR_MOCK_UNHANDLED',
    );
  }

  return markReadsRequestParts({
    name: 'mock',
    capabilities,
    requests,
    send: (request, ctx) => raceAbort(exchange(request, ctx), ctx.signal),
    websocket: (request, ctx, options) => raceAbort(upgrade(request, ctx, options), ctx.signal),
    use(...more) {
      extra = [...checkHandlers(more), ...extra];
    },
    reset() {
      extra = [];
      requests.length = 0;
    },
    async close() {
      await (onUnhandled === 'error' ? undefined : onUnhandled.close?.());
    },
  });
}
