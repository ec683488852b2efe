/**
 * The option types: what users write (ClientOptions, FerryRequestOptions, SharedOptions) and
 * what `options.ts` resolves them into (ResolvedOptions, ResolvedClientOptions).
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import type { AuthScheme } from './auth/scheme.js';
import type { BodyInput, FilesInput, FormInput } from './body.js';
import type { Decoder } from './decoder.js';
import type { EventName, ListenerMap } from './events.js';
import type { FetchInitFields } from './fetch-init.js';
import type { HeaderList, HeadersInput } from './headers.js';
import type { Middleware } from './middleware.js';
import type { ParamList, ParamsInput } from './params.js';
import type { Transport } from './transport.js';

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
