/**
 * The one place where client and per-request options are normalised and merged. Nothing
 * else reads raw option input. Invalid values throw `InvalidOptionError` naming the option.
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import { basicAuth } from '../auth/basic.js';
import type {
  AuthScheme,
  BackoffInput,
  ClientOptions,
  EventName,
  ListenerMap,
  ResolvedClientOptions,
  ResolvedOptions,
  ResolvedRetry,
  RetryOptions,
  TimeoutOptions,
} from '../types.js';
import { InvalidOptionError } from '../util/errors.js';
import { eventNames } from '../util/event-names.js';
import { type HeaderList, type HeadersInput, mergeHeaders, normaliseHeaders } from '../util/headers.js';
import { keysToRead } from '../util/keys-to-read.js';
import { normaliseBaseURL, normaliseParams, type ParamList, type ParamsInput } from '../util/params.js';

const idempotent = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'];

/** Defaults, in one object. */
export const defaultOptions = {
  redirect: 'follow',
  maxRedirects: 20,
  redirectPolicy: 'browser',
  decompress: true,
  maxDecompressedBytes: 1024 * 1024 * 1024,
  throwHttpErrors: false,
  continueTimeout: 1000,
  retry: {
    limit: 2,
    methods: idempotent,
    statusCodes: [408, 413, 429, 500, 502, 503, 504],
    errorCodes: ['ERR_NETWORK', 'ERR_CONNECT', 'ERR_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'],
    base: 300,
    factor: 2,
    max: 10_000,
    maxRetryAfter: 60_000,
  },
} as const;

const noRetry: ResolvedRetry = Object.freeze({
  limit: 0,
  methods: new Set<string>(),
  statusCodes: new Set<number>(),
  errorCodes: new Set<string>(),
  backoff: () => 0,
  retryAfter: false,
  maxRetryAfter: 0,
});

function fail(option: string, what: string): never {
  throw new InvalidOptionError(option, `${option}: ${what}`);
}

function nonNegative(option: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (integer && !Number.isInteger(v)))
    fail(option, `expected a non-negative ${integer ? 'integer' : 'number'}, got ${String(v)}`);
  return v;
}

function oneOf<T extends string>(option: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(option, `expected one of ${allowed.join(', ')}, got ${String(v)}`);
  return v as T;
}

function bool(option: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(option, `expected a boolean, got ${String(v)}`);
  return v;
}

function resolveTimeout(v: unknown): Readonly<TimeoutOptions> | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Object.freeze({ total: nonNegative('timeout', v) });
  if (typeof v !== 'object' || v === null) fail('timeout', 'expected milliseconds or { total, connect, headers, bodyIdle }');
  const out: Record<string, number> = {};
  for (const key of Object.keys(v)) {
    if (!['total', 'connect', 'headers', 'bodyIdle'].includes(key)) fail(`timeout.${key}`, 'unknown phase');
    const value = (v as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = nonNegative(`timeout.${key}`, value);
  }
  return Object.freeze(out);
}

function resolveBackoff(v: BackoffInput | undefined): (attempt: number) => number {
  if (typeof v === 'function') return v;
  if (v !== undefined && (typeof v !== 'object' || v === null))
    fail('retry.backoff', 'expected a function or { base, factor, max, jitter }');
  const d = defaultOptions.retry;
  const base = v?.base === undefined ? d.base : nonNegative('retry.backoff.base', v.base);
  const factor = v?.factor === undefined ? d.factor : nonNegative('retry.backoff.factor', v.factor);
  const max = v?.max === undefined ? d.max : nonNegative('retry.backoff.max', v.max);
  const jitter = v?.jitter ?? true;
  return (attempt) => {
    const delay = Math.min(max, base * factor ** (attempt - 1));
    return jitter ? delay / 2 + Math.random() * (delay / 2) : delay;
  };
}

function resolveRetry(v: unknown): ResolvedRetry {
  if (v === undefined) return resolveRetry({});
  if (v === false || v === 0) return noRetry;
  if (typeof v === 'number') return resolveRetry({ limit: v });
  if (typeof v !== 'object' || v === null) fail('retry', 'expected a number, false or { limit, methods, … }');
  const r = v as RetryOptions;
  const d = defaultOptions.retry;
  const limit = r.limit === undefined ? d.limit : nonNegative('retry.limit', r.limit, true);
  if (limit === 0) return noRetry;
  return Object.freeze({
    limit,
    methods: new Set((r.methods ?? d.methods).map((m) => String(m).toUpperCase())),
    statusCodes: new Set(r.statusCodes ?? d.statusCodes),
    errorCodes: new Set(r.errorCodes ?? d.errorCodes),
    backoff: resolveBackoff(r.backoff),
    retryAfter: r.retryAfter === undefined ? true : bool('retry.retryAfter', r.retryAfter),
    maxRetryAfter: r.maxRetryAfter === undefined ? d.maxRetryAfter : nonNegative('retry.maxRetryAfter', r.maxRetryAfter),
  });
}

/** Validates `{ eventName: listener }`; throws InvalidOptionError for unknown names or non-functions. */
export function validateListeners(v: unknown, option = 'on'): ListenerMap | undefined {
  return resolveOn(v, option);
}

function resolveOn(v: unknown, option = 'on'): ListenerMap | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null) fail(option, 'expected { eventName: listener }');
  for (const key of Object.keys(v)) {
    if (!eventNames.includes(key as EventName)) fail(`${option}.${key}`, `unknown event (known: ${eventNames.join(', ')})`);
    const fn = (v as Record<string, unknown>)[key];
    if (fn !== undefined && typeof fn !== 'function') fail(`${option}.${key}`, 'expected a function');
  }
  return v as ListenerMap;
}

function resolveAuth(v: unknown): AuthScheme | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return basicAuth(v[0], v[1]);
  if (typeof v !== 'object' || v === null || typeof (v as AuthScheme).flow !== 'function')
    fail('auth', 'expected an auth scheme such as basicAuth(user, pass) or bearer(token), or [user, pass]');
  return v as AuthScheme;
}

function resolveExpect(v: unknown): false | number {
  if (v === undefined || v === false) return false;
  if (v === true) return 0;
  return nonNegative('expectContinue', v, true);
}

function resolveCookies(v: unknown): Readonly<Record<string, string>> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null) fail('cookies', 'expected { name: value }');
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') fail(`cookies.${k}`, 'expected a string');
    if (/[;\r\n\0=]/.test(k) || /[;\r\n\0]/.test(value)) fail(`cookies.${k}`, 'name or value contains ; = CR LF or NUL');
  }
  return v as Readonly<Record<string, string>>;
}

const sharedKeys = [
  'redirect',
  'maxRedirects',
  'redirectPolicy',
  'sensitiveHeaders',
  'decompress',
  'maxDecompressedBytes',
  'auth',
  'timeout',
  'retry',
  'on',
  'throwHttpErrors',
  'expectContinue',
  'continueTimeout',
  'cookies',
] as const;

/** Applies `input`'s shared options over `base`. Returns `base` when `input` sets none. */
const sharedKeySet: ReadonlySet<string> = new Set(sharedKeys);

export function withSharedOptions(base: ResolvedOptions, input: Readonly<Record<string, unknown>>, perRequest: boolean): ResolvedOptions {
  let out: Record<string, unknown> | null = null;
  for (const k of keysToRead(input, sharedKeys)) {
    if (!sharedKeySet.has(k) || !(k in input)) continue;
    const key = k as (typeof sharedKeys)[number];
    const v = input[key];
    if (v === undefined) continue;
    if (key === 'cookies' && !perRequest) continue; // the client's jar is not a shared option
    out ??= { ...base };
    switch (key) {
      case 'redirect':
        out.redirect = oneOf('redirect', v, ['follow', 'manual', 'error']);
        break;
      case 'maxRedirects':
        out.maxRedirects = nonNegative('maxRedirects', v, true);
        break;
      case 'redirectPolicy':
        out.redirectPolicy = oneOf('redirectPolicy', v, ['browser', 'strict']);
        break;
      case 'sensitiveHeaders':
        if (!Array.isArray(v)) fail('sensitiveHeaders', 'expected an array of header names');
        out.sensitiveHeaders = new Set((v as string[]).map((h) => String(h).toLowerCase()));
        break;
      case 'decompress':
      case 'throwHttpErrors':
        out[key] = bool(key, v);
        break;
      case 'maxDecompressedBytes':
        out.maxDecompressedBytes = nonNegative('maxDecompressedBytes', v, true);
        break;
      case 'continueTimeout':
        out.continueTimeout = nonNegative('continueTimeout', v);
        break;
      case 'auth':
        out.auth = resolveAuth(v);
        break;
      case 'timeout':
        out.timeout = resolveTimeout(v);
        break;
      case 'retry':
        out.retry = resolveRetry(v);
        break;
      case 'on':
        out.on = resolveOn(v);
        break;
      case 'expectContinue':
        out.expectContinue = resolveExpect(v);
        break;
      case 'cookies':
        out.cookies = resolveCookies(v);
        break;
    }
  }
  return out === null ? base : (Object.freeze(out) as unknown as ResolvedOptions);
}

const baseShared: ResolvedOptions = Object.freeze({
  redirect: defaultOptions.redirect,
  maxRedirects: defaultOptions.maxRedirects,
  redirectPolicy: defaultOptions.redirectPolicy,
  sensitiveHeaders: new Set<string>(),
  decompress: defaultOptions.decompress,
  maxDecompressedBytes: defaultOptions.maxDecompressedBytes,
  auth: undefined,
  timeout: undefined,
  retry: resolveRetry(undefined),
  on: undefined,
  throwHttpErrors: defaultOptions.throwHttpErrors,
  expectContinue: false,
  continueTimeout: defaultOptions.continueTimeout,
  cookies: undefined,
  fetchInit: undefined,
});

/**
 * Normalises `createClient()` options; throws InvalidOptionError synchronously. `cookies` left
 * out is `true` only where the entry can make a jar (`defaults.createJar`), else `false`.
 */
export function resolveClientOptions(
  input: ClientOptions = {},
  defaults: { readonly cookies?: boolean; readonly createJar?: unknown } = {},
): ResolvedClientOptions {
  if (typeof input !== 'object' || input === null) fail('options', 'expected an object');
  const { list, deleted } = normaliseHeaders(input.headers, 'headers');
  if (deleted.length > 0) fail('headers', 'undefined values only make sense per request');
  if (input.middleware !== undefined && (!Array.isArray(input.middleware) || input.middleware.some((m) => typeof m !== 'function')))
    fail('middleware', 'expected an array of functions');
  if (input.transport !== undefined && (typeof input.transport !== 'object' || typeof input.transport?.send !== 'function'))
    fail('transport', 'expected a Transport with send()');
  const cookies = input.cookies ?? ((defaults.cookies ?? true) && defaults.createJar !== undefined);
  if (typeof cookies !== 'boolean' && (typeof cookies !== 'object' || typeof (cookies as CookieJar).getCookieString !== 'function'))
    fail('cookies', 'expected true, false or a tough-cookie CookieJar');
  if (input.decoders !== undefined) {
    if (typeof input.decoders !== 'object' || input.decoders === null) fail('decoders', 'expected { coding: (stream) => stream }');
    for (const [k, d] of Object.entries(input.decoders)) if (typeof d !== 'function') fail(`decoders.${k}`, 'expected a function');
  }
  const { cookies: _jar, ...shared } = input;
  return Object.freeze({
    baseURL: normaliseBaseURL(input.baseURL),
    headers: list,
    params: normaliseParams(input.params, 'params'),
    middleware: Object.freeze([...(input.middleware ?? [])]),
    cookies,
    decoders: Object.freeze({ ...(input.decoders ?? {}) }),
    shared: withSharedOptions(baseShared, shared as Record<string, unknown>, false),
  });
}

/** Request-level header and param input, normalised, merged over the client's. */
export function resolveRequestHeaders(client: ResolvedClientOptions, headers: unknown): HeaderList {
  if (headers === undefined || headers === null) return client.headers;
  const { list, deleted } = normaliseHeaders(headers as HeadersInput, 'headers');
  return mergeHeaders(client.headers, list, deleted);
}

/** Request-level params appended after the client's. */
export function resolveRequestParams(client: ResolvedClientOptions, params: unknown): ParamList {
  if (params === undefined || params === null) return client.params;
  const own = normaliseParams(params as ParamsInput, 'params');
  return client.params.length === 0 ? own : [...client.params, ...own];
}
