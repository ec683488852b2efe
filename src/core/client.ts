/**
 * createClient(): the session. Holds resolved options, the middleware chain and the
 * transport; exposes a fetch-compatible `fetch` and `get()/post()/…` helpers.
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import { type DefaultChain, defaultChain } from './chain.js';
import type { ExchangeContext } from './context.js';
import { CapabilityError, describe, HTTPStatusError, InvalidOptionError, scrubUrl } from './errors.js';
import { type EventListeners, type EventName, EventRegistry } from './events.js';
import type { HeaderList } from './headers.js';
import { compose, type Middleware } from './middleware.js';
import { type ClientOptions, type FerryInit, type ResolvedClientOptions, resolveClientOptions, validateListeners } from './options.js';
import { prepareRequest } from './prepare.js';
import { publish } from './request.js';
import { deriveResponse, FerryResponse, noteChainConsumer } from './response.js';
import { withSettledLength } from './settle-body.js';
import { type Transport, takesLazyRequests, transportSender } from './transport.js';
import type { FerryWebSocket, WebSocketOptions } from './websocket.js';
import { webSocketConnector } from './websocket-connect.js';

/** A fetch-compatible function that resolves to a FerryResponse. */
export type FerryFetch = (input: RequestInfo | URL, init?: FerryInit) => Promise<FerryResponse>;

/** Per-request options for the helpers (`get`, `post` …): fetch's init with ferry's extras. */
export type RequestOptions = Omit<FerryInit, 'method'>;

/** A ferry client (a session). */
export interface Client {
  /** `typeof globalThis.fetch`-compatible. */
  readonly fetch: FerryFetch;
  request(method: string, url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  get(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  head(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  post(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  put(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  patch(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  delete(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  options(url: string | URL, options?: RequestOptions): Promise<FerryResponse>;
  /**
   * Opens a WebSocket with the session's state: default headers, cookies (Set-Cookie on the
   * 101 is stored), auth. Resolves when open; a non-101 answer rejects with a WebSocketError
   * carrying `status` and `headers`.
   */
  websocket(url: string | URL, options?: WebSocketOptions): Promise<FerryWebSocket>;
  /** Registers a client-wide listener; returns an unsubscribe function. */
  on<K extends EventName>(name: K, listener: EventListeners[K]): () => void;
  /** The cookie jar, when cookies are on. */
  readonly cookies: CookieJar | undefined;
  readonly transport: Transport;
  /** The resolved options (frozen). */
  readonly config: ResolvedClientOptions;
  /** Closes the transport's pooled connections. */
  close(): Promise<void>;
}

/** What `createClient` needs on top of the options when no transport is given. */
export type TransportFactory = (options: ClientOptions) => Transport;

/**
 * What a package entry adds to `createClient`'s defaults. Core never imports tough-cookie: the
 * entries that default to a jar (Node, Deno, Bun) inject `createJar`; the browser entry and
 * `ferry/core` do not, so there `cookies` left out means no jar, and an explicit
 * `cookies: true` on a transport that handles cookie headers is an `InvalidOptionError`.
 * @example
 * export const createClient = withDefaultTransport(nodeTransportFor, { createJar: () => new CookieJar() });
 */
export interface ClientDefaults {
  /** Whether `cookies` left out means a jar, when one can be made (default true; the fetch export: false). */
  readonly cookies?: boolean;
  /** Makes the jar for `cookies: true`. */
  readonly createJar?: () => CookieJar;
  /** Turns a `json` body's text into bytes (the Node entry: a pooled Node Buffer; see `bodyFromJson`). */
  readonly encodeText?: (text: string) => Uint8Array;
}

/** Internal: the pieces later middleware factories receive once per client. */
export interface ClientInternals {
  readonly config: ResolvedClientOptions;
  readonly transport: Transport;
  readonly events: EventRegistry;
  /** The jar, or undefined (set by the cookies middleware factory when cookies are on). */
  jar: CookieJar | undefined;
  /** Makes the jar for `cookies: true` (injected by the package entry; absent: no default jar). */
  readonly createJar?: (() => CookieJar) | undefined;
  /**
   * The header list every request starts from: the client's `headers` plus defaults that a
   * middleware factory adds once per client (decompress's Accept-Encoding), so that the
   * middleware need not derive every request to add them (where requests cannot be lazy, as
   * on Node 24, each derived request is a whole second `Request`).
   */
  requestHeaders: HeaderList;
}

/**
 * Creates a client. The core version needs `options.transport` (or a factory); the package
 * entries (`ferry`, `ferry/node` …) default it to the runtime's transport.
 * @example
 * const client = createClient({ baseURL: 'http://127.0.0.1:8080/api/', transport });
 * const res = await client.get('users', { params: { page: 2 } });
 */
export function createClient(options: ClientOptions = {}, makeTransport?: TransportFactory, defaults?: ClientDefaults): Client {
  const { on: clientListeners, ...rest } = options;
  const config = resolveClientOptions(rest, defaults);
  const encodeText = defaults?.encodeText;
  const maybe = options.transport ?? makeTransport?.(options);
  if (!maybe) throw new InvalidOptionError('transport', 'transport: no transport given and no default for this runtime');
  const transport: Transport = maybe;
  const events = new EventRegistry();
  const internals: ClientInternals = {
    config,
    transport,
    events,
    jar: undefined,
    createJar: defaults?.createJar,
    requestHeaders: config.headers,
  };
  let middleware: Middleware[];
  const send = transportSender(transport);
  let builtIn: DefaultChain;
  try {
    if (clientListeners !== undefined) {
      if (typeof clientListeners !== 'object' || clientListeners === null)
        throw new InvalidOptionError('on', 'on: expected { eventName: listener }');
      for (const [name, fn] of Object.entries(clientListeners)) {
        validateListeners({ [name]: fn });
        if (fn) events.on(name as EventName, fn as never);
      }
    }
    builtIn = defaultChain(internals, send, handOut);
    middleware = [...config.middleware.map(forUserMiddleware), ...builtIn.middleware];
  } catch (e) {
    // A transport made here for a client that cannot be built must not keep its pool.
    if (options.transport === undefined) void transport.close?.().catch(() => {});
    throw e;
  }
  const chain = compose(middleware, send);
  // Without user middleware, most requests take the default chain in one continuation.
  const lane = config.middleware.length === 0 ? builtIn.lane : null;
  const requestConfig: ResolvedClientOptions =
    internals.requestHeaders === config.headers ? config : Object.freeze({ ...config, headers: internals.requestHeaders });

  /**
   * One call. Not an async function: what stays alive while the server answers is copied by
   * every young-generation GC meanwhile, and the lane's one continuation (or the chain's and a
   * small one for `handOut`) is less than an async frame.
   */
  function run(input: RequestInfo | URL, init: FerryInit | undefined, method?: string): Promise<FerryResponse> {
    try {
      if (isPlatformScheme(input))
        return globalThis.fetch(input as RequestInfo, init as RequestInit).then((res) => deriveResponse(res, {}));
      const { request, options, signal } = prepareRequest(requestConfig, input, init, method, encodeText);
      if (signal?.aborted) throw signal.reason;
      if (options.expectContinue !== false && !transport.capabilities.expectContinue)
        throw new CapabilityError(
          transport.name,
          'expectContinue',
          describe(`the ${transport.name} transport cannot send Expect: 100-continue`, request),
          { request },
        );
      const ctx: ExchangeContext = { options, signal, events: events.dispatcher(options.on), transport, state: {} };
      // A foreign Request's body: its length, where the platform hides it (see settle-body.ts).
      if (input instanceof Request)
        return withSettledLength(request).then((settled) => chain(settled, ctx).then((raw) => handOut(raw, settled, ctx)));
      return lane?.(request, ctx) ?? chain(request, ctx).then((raw) => handOut(raw, request, ctx));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // `length === 1` and `name === 'fetch'`, like the platform's.
  const fetch = {
    fetch(input: RequestInfo | URL, init: FerryInit | undefined = undefined): Promise<FerryResponse> {
      return run(input, init);
    },
  }.fetch as FerryFetch;

  const helper =
    (method: string) =>
    (url: string | URL, opts?: RequestOptions): Promise<FerryResponse> =>
      run(url, opts as FerryInit | undefined, method);

  return {
    fetch,
    request: (method, url, opts) => {
      if (typeof method !== 'string') return Promise.reject(new InvalidOptionError('method', 'method: expected a string'));
      return run(url, opts as FerryInit | undefined, method);
    },
    websocket: webSocketConnector(config, transport, events, middleware),
    get: helper('GET'),
    head: helper('HEAD'),
    post: helper('POST'),
    put: helper('PUT'),
    patch: helper('PATCH'),
    delete: helper('DELETE'),
    options: helper('OPTIONS'),
    on: (name, listener) => {
      validateListeners({ [name]: listener });
      return events.on(name, listener);
    },
    get cookies() {
      return internals.jar;
    },
    transport,
    config,
    close: async () => {
      await transport.close?.();
    },
  };
}

/** The chain's response as the caller gets it (and `throwHttpErrors`). */
function handOut(raw: Response, request: Request, ctx: ExchangeContext): FerryResponse {
  const res = raw instanceof FerryResponse ? raw : deriveResponse(raw, { request });
  noteChainConsumer(res);
  if (ctx.options.throwHttpErrors && !res.ok) {
    throw new HTTPStatusError(
      `${res.request?.method ?? request.method} ${scrubUrl(res.url || request.url)}: HTTP ${res.status} ${res.statusText}`.trimEnd(),
      res,
      {
        request: res.request ?? request,
      },
    );
  }
  return res;
}

/** A user middleware receives a published request (see `publish`). */
function forUserMiddleware(mw: Middleware): Middleware {
  if (takesLazyRequests(mw)) return mw;
  return (request, next, ctx) => mw(publish(request), next, ctx);
}

const platformSchemes = /^(data|blob|about):/i;

/** data:, blob: and about: URLs behave as in the platform's fetch: they are handed to it. */
function isPlatformScheme(input: RequestInfo | URL): boolean {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  // Most URLs start with "http": skip the regex for them.
  const c = href.charCodeAt(0) | 0x20;
  return c !== 0x68 && platformSchemes.test(href);
}

/**
 * Binds a default transport factory (and the entry's defaults, such as the jar factory): what
 * the package entries export as `createClient`.
 * @example
 * export const createClient = withDefaultTransport(createNodeTransport, { createJar: () => new CookieJar() });
 */
export function withDefaultTransport(make: TransportFactory, defaults?: ClientDefaults): (options?: ClientOptions) => Client {
  return (options = {}) => createClient(options, make, defaults);
}

/**
 * A drop-in `fetch` over a lazily created default client with fetch's defaults (no cookie
 * jar). `fetch.name === 'fetch'`, `fetch.length === 1`.
 */
export function createDefaultFetch(make: TransportFactory, defaults?: Pick<ClientDefaults, 'encodeText'>): FerryFetch {
  let client: Client | undefined;
  return {
    fetch(input: RequestInfo | URL, init: FerryInit | undefined = undefined): Promise<FerryResponse> {
      try {
        client ??= createClient({ cookies: false }, make, { ...defaults, cookies: false });
      } catch (e) {
        return Promise.reject(e);
      }
      return client.fetch(input, init);
    },
  }.fetch as FerryFetch;
}
