/**
 * The type-only bottom of core (layer 0): the interfaces every layer shares (the transport,
 * the exchange context, middleware and steps, the option types, events, auth schemes).
 * Nothing here exists at run time; any module may import it, and it imports types only
 * (see docs/architecture.md for the layers).
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import type { BodyInput, FilesInput, FormInput, RequestBody } from './message/body.js';
import type { FetchInitFields } from './message/fetch-init.js';
import type { FerryWebSocket, WebSocketHandler } from './message/websocket.js';
import type { TimeoutPhase } from './util/errors.js';
import type { HeaderList, HeadersInput } from './util/headers.js';
import type { ParamList, ParamsInput } from './util/params.js';

// ---------------------------------------------------------------------------------------
// The transport: one exchange, and what it can do.

/** What a transport can do; a step steps aside or throws `CapabilityError` where it cannot. */
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
   * browser's fetch does. Absent or false: core's `integrity()` step reads the body and
   * verifies it before the response is handed on.
   */
  readonly integrity?: boolean;
  /**
   * Timeout phases the transport enforces itself from `ctx.options.timeout` (per hop).
   * The core times the others with timers on the response and body; `connect` it can only
   * bound by the wait for headers.
   */
  readonly timeouts?: readonly TimeoutPhase[];
}

/** A content decoder: encoded bytes in, decoded bytes out. */
export type Decoder = (encoded: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

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

// ---------------------------------------------------------------------------------------
// The exchange context, middleware and steps.

/**
 * Carries the normalised options of this request, the abort signal, the event dispatcher,
 * the transport and a place for middleware to leave facts for later ones (`state`).
 * Derive a changed context with a spread (`{ ...ctx, signal }`); never mutate one you got.
 */
export interface ExchangeContext {
  readonly options: ResolvedOptions;
  /** The signal that aborts this exchange (the user's, maybe combined with timeouts). */
  readonly signal: AbortSignal | undefined;
  readonly events: EventDispatcher;
  readonly transport: Transport;
  /** Facts middleware leave for later ones, keyed by a name they own. */
  readonly state: Record<string, unknown>;
}

/** Sends a request through the rest of the chain. May be called many times (retry, redirect, auth). */
export type Next = (request: Request, ctx: ExchangeContext) => Promise<Response>;

/** Sees every hop of a request; derives, never mutates, the `Request`/`Response` it did not create. */
export type Middleware = (request: Request, next: Next, ctx: ExchangeContext) => Promise<Response>;

/**
 * What a step does with the response of a request it left idle: the response to hand on
 * (synchronously where it can), or a promise of it. `body` is the request's body as it was
 * handed on (a transport may consume a real Request's stream; the source stays replayable);
 * `next` is the chain below the step (a redirect or a retry sends through it again).
 */
export type StepAfter = (
  response: Response,
  request: Request,
  body: RequestBody | null,
  ctx: ExchangeContext,
  next: Next,
) => Response | Promise<Response>;

/** What a step does with a failure below a request it left idle: rethrow, or recover with a response. */
export type StepFailed = (
  error: unknown,
  request: Request,
  body: RequestBody | null,
  ctx: ExchangeContext,
  next: Next,
) => Response | Promise<Response>;

/**
 * A built-in feature, written once (see `defineStep` and docs/architecture.md): a Middleware
 * you can call or compose like any other, which also tells the compiled chain when it has
 * nothing to do before sending. The chain then runs every step of a row of idle ones in one
 * continuation: it sends the request as it is and applies their `after` (or `failed`) hooks,
 * innermost first.
 */
export interface Step extends Middleware {
  /** True when the step hands this request on as it is (cheap; no side effects). */
  readonly idle: (request: Request, ctx: ExchangeContext) => boolean;
  /** What the step does with a request it does not leave idle; undefined when it leaves every one idle. */
  readonly work: Middleware | undefined;
  /**
   * Whether the hooks (`after`, `failed`) have anything to do for this idle request (cheap; no
   * side effects); undefined: always. A row whose steps do not watch a request costs nothing
   * for it on the way back.
   */
  readonly watches: ((request: Request, ctx: ExchangeContext) => boolean) | undefined;
  /** The response side of an idle request, or undefined when it leaves the response alone. */
  readonly after: StepAfter | undefined;
  /** The failure side of an idle request, or undefined when it rethrows. */
  readonly failed: StepFailed | undefined;
  /**
   * Headers the step adds to requests that lack them. A client puts them in its default
   * headers once, so that its requests carry them and the step idles.
   */
  readonly headers: HeaderList | undefined;
}

// ---------------------------------------------------------------------------------------
// Events.

/** Byte counts for progress events; `total` is undefined when unknown. */
export interface Progress {
  readonly loaded: number;
  readonly total: number | undefined;
}

/** Informational details passed with `beforeRetry`. */
export interface RetryInfo {
  readonly attempt: number;
  readonly error?: unknown;
  readonly response?: Response;
  readonly delay: number;
}

/** Every event and its listener signature. */
export interface EventListeners {
  preRequest: (request: Request) => void;
  onHeaders: (response: Response) => void;
  postRequest: (response: Response) => void;
  dataReceived: (response: Response, chunk: Uint8Array) => void;
  dataProcessed: (response: Response, chunk: Uint8Array) => void;
  uploadProgress: (progress: Progress, request: Request) => void;
  downloadProgress: (progress: Progress, response: Response) => void;
  beforeRetry: (request: Request, info: RetryInfo) => void;
}

export type EventName = keyof EventListeners;

/** Per-request listeners (`on: { … }`), already validated. */
export type ListenerMap = { readonly [K in EventName]?: EventListeners[K] };

/**
 * The listeners of one request (the client's and its own); `has()` lets a step skip work
 * when nobody listens. A throwing listener's error propagates to the caller of `emit`, which
 * fails that request (never the process).
 */
export interface EventDispatcher {
  has(name: EventName): boolean;
  emit<K extends EventName>(name: K, ...args: Parameters<EventListeners[K]>): void;
}

// ---------------------------------------------------------------------------------------
// Auth schemes.

/**
 * An authentication flow for one hop: yield the request to send, receive its response, and
 * yield a follow-up (challenge → answer) or return. The auth step sends each yielded request
 * and hands back the response; the last response is the hop's result.
 */
export type AuthFlow = AsyncGenerator<Request, void, Response>;

/** An auth scheme (basic, digest, bearer, OAuth1, OAuth2 …). */
export interface AuthScheme {
  /** 'basic' | 'digest' | 'bearer' | 'oauth1' | 'oauth2' | a custom name. */
  readonly scheme: string;
  /** True when the flow may resend the request body (the body must then be replayable). */
  readonly requiresBody?: boolean;
  /**
   * Origins (`scheme://host:port`) the credentials also apply to, besides the origin of the
   * request they were given for. A hop to any other origin is sent without them.
   */
  readonly origins?: readonly string[];
  flow(request: Request, ctx: ExchangeContext): AuthFlow;
}

// ---------------------------------------------------------------------------------------
// Options: what users write, and what options/ resolves them into.

export type RedirectMode = 'follow' | 'manual' | 'error';
export type RedirectPolicy = 'browser' | 'strict';

/** Deadlines in milliseconds; each phase is optional. */
export interface TimeoutOptions {
  /** The whole exchange, redirects and retries included, until the body is read. */
  readonly total?: number;
  /** Establishing the connection (where the transport can tell). */
  readonly connect?: number;
  /** From sending until the response headers arrive. */
  readonly headers?: number;
  /** Longest pause between two body chunks. */
  readonly bodyIdle?: number;
}

/** Backoff: a function of the attempt (1-based) giving the delay in ms, or its parameters. */
export type BackoffInput =
  | ((attempt: number) => number)
  | { readonly base?: number; readonly factor?: number; readonly max?: number; readonly jitter?: boolean };

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  readonly limit?: number;
  /** Methods that may be retried (default the idempotent ones). */
  readonly methods?: readonly string[];
  /** Response statuses that trigger a retry (default 408, 413, 429, 500, 502, 503, 504). */
  readonly statusCodes?: readonly number[];
  /** Error codes that trigger a retry (ferry codes or platform codes such as ECONNRESET). */
  readonly errorCodes?: readonly string[];
  readonly backoff?: BackoffInput;
  /** Honour Retry-After (seconds or HTTP-date) up to `maxRetryAfter` ms (default true). */
  readonly retryAfter?: boolean;
  readonly maxRetryAfter?: number;
}

export interface ResolvedRetry {
  readonly limit: number;
  readonly methods: ReadonlySet<string>;
  readonly statusCodes: ReadonlySet<number>;
  readonly errorCodes: ReadonlySet<string>;
  readonly backoff: (attempt: number) => number;
  readonly retryAfter: boolean;
  readonly maxRetryAfter: number;
}

/** Options that concern one request and may be given on the client or per request. */
export interface SharedOptions {
  redirect?: RedirectMode;
  maxRedirects?: number;
  redirectPolicy?: RedirectPolicy;
  /** Headers dropped on cross-origin hops, besides Authorization, Cookie, Proxy-Authorization. */
  sensitiveHeaders?: readonly string[];
  decompress?: boolean;
  maxDecompressedBytes?: number;
  /** An auth scheme (`basicAuth`, `digestAuth`, `bearer`, `oauth1`, `oauth2` …), or `[user, pass]` for basic auth. */
  auth?: AuthScheme | readonly [user: string, pass: string] | undefined;
  timeout?: number | TimeoutOptions;
  retry?: number | false | RetryOptions;
  on?: { readonly [K in EventName]?: ListenerMap[K] };
  throwHttpErrors?: boolean;
  /** Send `Expect: 100-continue` for bodies (true) or for bodies of at least this many bytes. */
  expectContinue?: boolean | number;
  /** How long to wait for `100 Continue` before sending the body anyway (ms, default 1000). */
  continueTimeout?: number;
}

/** What `createClient()` takes. */
export interface ClientOptions extends SharedOptions {
  baseURL?: string | URL;
  headers?: HeadersInput;
  params?: ParamsInput;
  /** Default: the runtime's own transport. */
  transport?: Transport;
  /** Added outermost, in order. */
  middleware?: readonly Middleware[];
  /**
   * A tough-cookie jar, `true` for a fresh one, `false` for none. Default: a fresh jar from the
   * Node, Deno and Bun entries; none from the browser entry and `ferry/core`, which leave
   * tough-cookie out (there `true` with a transport that handles cookie headers, such as the
   * mock, is an InvalidOptionError: pass `new CookieJar()`).
   */
  cookies?: boolean | CookieJar;
  /** Extra or replacement content decoders, keyed by content-coding. */
  decoders?: Readonly<Record<string, Decoder>>;
  /** Options for the Node transport (see `createNodeTransport`). */
  node?: Readonly<Record<string, unknown>>;
}

/** What a request takes besides RequestInit: bodies, params, cookies and the shared options. */
export interface FerryRequestOptions extends SharedOptions {
  params?: ParamsInput;
  headers?: HeadersInit | HeadersInput;
  json?: unknown;
  form?: FormInput;
  files?: FilesInput;
  body?: BodyInput | null;
  /** Cookies sent with this request only, besides the jar's; never stored. */
  cookies?: Readonly<Record<string, string>>;
  signal?: AbortSignal | null;
  method?: string;
}

/** `fetch`'s init with ferry's extras. */
export type FerryInit = Omit<RequestInit, 'body' | 'headers' | 'redirect'> & FerryRequestOptions;

/** Every shared option, present and validated. Frozen. */
export interface ResolvedOptions {
  readonly redirect: RedirectMode;
  readonly maxRedirects: number;
  readonly redirectPolicy: RedirectPolicy;
  readonly sensitiveHeaders: ReadonlySet<string>;
  readonly decompress: boolean;
  readonly maxDecompressedBytes: number;
  readonly auth: AuthScheme | undefined;
  readonly timeout: Readonly<TimeoutOptions> | undefined;
  readonly retry: ResolvedRetry;
  readonly on: ListenerMap | undefined;
  readonly throwHttpErrors: boolean;
  readonly expectContinue: false | number;
  readonly continueTimeout: number;
  /** Per-request extra cookies (never from the client). */
  readonly cookies: Readonly<Record<string, string>> | undefined;
  /**
   * fetch's init fields this request set (`credentials`, `mode`, `cache`, `referrer`,
   * `referrerPolicy`, `integrity`, `keepalive`, `priority`), validated; undefined when none.
   */
  readonly fetchInit: FetchInitFields | undefined;
}

/** The client-only part, resolved. */
export interface ResolvedClientOptions {
  readonly baseURL: string | undefined;
  readonly headers: HeaderList;
  readonly params: ParamList;
  readonly middleware: readonly Middleware[];
  readonly cookies: boolean | CookieJar;
  readonly decoders: Readonly<Record<string, Decoder>>;
  readonly shared: ResolvedOptions;
}
