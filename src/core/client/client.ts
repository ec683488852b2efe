/**
 * createClient(): the session. Holds resolved options, the middleware chain and the
 * transport; exposes a fetch-compatible `fetch` and `get()/post()/…` helpers.
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import { compile } from '../chain/compile.js';
import { defaultSteps } from '../chain/default-steps.js';
import { transportSender } from '../message/reads-request-parts.js';
import type { FerryResponse } from '../message/response.js';
import { deriveResponse } from '../message/response-parts.js';
import { withSettledLength } from '../message/settle-body.js';
import type { FerryWebSocket, WebSocketOptions } from '../message/websocket.js';
import { prepareRequest } from '../options/prepare.js';
import { resolveClientOptions, validateListeners } from '../options/resolve.js';
import { decodersFor } from '../steps/decompress.js';
import { EventRegistry } from '../steps/event-registry.js';
import { isStep } from '../steps/step.js';
import type {
  ClientOptions,
  EventListeners,
  EventName,
  ExchangeContext,
  FerryInit,
  ResolvedClientOptions,
  Step,
  Transport,
} from '../types.js';
import { CapabilityError, describe, InvalidOptionError } from '../util/errors.js';
import { type HeaderList, headerValue } from '../util/headers.js';
import { forCallerStep, forUserMiddleware } from './chain-ends.js';
import { clientJar } from './cookie-jar.js';
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
  let jar: CookieJar | undefined;
  let steps: readonly Step[];
  try {
    if (clientListeners !== undefined) {
      if (typeof clientListeners !== 'object' || clientListeners === null)
        throw new InvalidOptionError('on', 'on: expected { eventName: listener }');
      for (const [name, fn] of Object.entries(clientListeners)) {
        validateListeners({ [name]: fn });
        if (fn) events.on(name as EventName, fn as never);
      }
    }
    jar = clientJar(config.cookies, transport, defaults?.createJar);
    steps = defaultSteps({ jar, decoders: decodersFor(transport, config.decoders), rawBody: transport.capabilities.rawBody });
  } catch (e) {
    // A transport made here for a client that cannot be built must not keep its pool.
    if (options.transport === undefined) void transport.close?.().catch(() => {});
    throw e;
  }
  // The user's middleware sit above the built-in steps, forCaller above everything.
  const below = [...config.middleware.map(forUserMiddleware), ...steps];
  const chain = compile([forCallerStep, ...below], transportSender(transport));
  const requestConfig = withStepHeaders(config, below.filter(isStep));

  /**
   * One call. Not an async function: what stays alive while the server answers is copied by
   * every young-generation GC meanwhile (docs/decisions/0010).
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
      if (input instanceof Request) return withSettledLength(request).then((settled) => chain(settled, ctx)) as Promise<FerryResponse>;
      return chain(request, ctx) as Promise<FerryResponse>;
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
    websocket: webSocketConnector(config, transport, events, below),
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
    cookies: jar,
    transport,
    config,
    close: async () => {
      await transport.close?.();
    },
  };
}

/**
 * The client's options with the headers its steps add to every request (decompression's
 * Accept-Encoding) in its default headers, unless they are set there: its requests then
 * carry them, and those steps idle.
 */
function withStepHeaders(config: ResolvedClientOptions, steps: readonly Step[]): ResolvedClientOptions {
  let headers: HeaderList = config.headers;
  for (const step of steps) for (const pair of step.headers ?? []) if (headerValue(headers, pair[0]) === null) headers = [...headers, pair];
  return headers === config.headers ? config : Object.freeze({ ...config, headers });
}

const platformSchemes = /^(data|blob|about):/i;

/** data:, blob: and about: URLs behave as in the platform's fetch: they are handed to it. */
function isPlatformScheme(input: RequestInfo | URL): boolean {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  // Most URLs start with "http": skip the regex for them.
  const c = href.charCodeAt(0) | 0x20;
  return c !== 0x68 && platformSchemes.test(href);
}
