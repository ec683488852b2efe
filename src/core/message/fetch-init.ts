/**
 * fetch's per-request init fields that are not part of the HTTP message ferry builds:
 * `credentials`, `mode`, `cache`, `referrer`, `referrerPolicy`, `integrity`, `keepalive`,
 * `priority`. They are taken from the `RequestInit` or from a `Request` given as input (init
 * wins, as in `new Request(request, init)`), validated as the `Request` constructor validates
 * them, and carried in `ResolvedOptions.fetchInit` for the transport: the fetch-based ones hand
 * them to the platform's fetch, and core verifies `integrity` where the platform does not
 * (see `steps/integrity.ts`). Only fields the user actually set are carried, so the
 * platform's defaults stay the platform's.
 * @module
 */
import { describe, InvalidOptionError } from '../util/errors.js';
import { keysToRead } from '../util/keys-to-read.js';

/** The fetch init fields a request set, validated; absent ones keep the platform's default. */
export interface FetchInitFields {
  readonly credentials?: RequestCredentials;
  readonly mode?: RequestMode;
  readonly cache?: RequestCache;
  /** `''` (no referrer), `'about:client'` (the default) or an absolute or relative URL. */
  readonly referrer?: string;
  readonly referrerPolicy?: ReferrerPolicy;
  /** Subresource Integrity metadata (`sha384-… sha512-…`); never the empty string. */
  readonly integrity?: string;
  readonly keepalive?: boolean;
  readonly priority?: RequestPriority;
}

/** The names of the carried fields, in the order they are resolved. */
export const fetchInitKeys = ['credentials', 'mode', 'cache', 'referrer', 'referrerPolicy', 'integrity', 'keepalive', 'priority'] as const;
const fetchInitKeySet: ReadonlySet<string> = new Set(fetchInitKeys);

const credentialsValues: readonly RequestCredentials[] = ['omit', 'same-origin', 'include'];
const modeValues: readonly RequestMode[] = ['same-origin', 'no-cors', 'cors'];
const cacheValues: readonly RequestCache[] = ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'];
const policyValues: readonly ReferrerPolicy[] = [
  '',
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
];
const priorityValues: readonly RequestPriority[] = ['high', 'low', 'auto'];

/** What a `new Request(url)` reports: a Request's field with this value was not set. */
const requestDefaults: Readonly<Record<string, unknown>> = {
  credentials: 'same-origin',
  mode: 'cors',
  cache: 'default',
  referrer: 'about:client',
  referrerPolicy: '',
  integrity: '',
  keepalive: false,
  priority: 'auto',
};

/**
 * RequestInit members: a foreign Request combined with an init that has any of them loses
 * its referrer and referrer policy (fetch's Request constructor resets both then).
 */
const requestInitMembers = [
  'method',
  'headers',
  'body',
  'referrer',
  'referrerPolicy',
  'mode',
  'credentials',
  'cache',
  'redirect',
  'integrity',
  'keepalive',
  'signal',
  'duplex',
  'priority',
  'window',
] as const;

/** The request the fields are resolved for (for messages and cross-field checks). */
export interface FetchInitTarget {
  readonly method: string;
  /** The request URL (credentials are scrubbed from messages). */
  readonly url: string;
  /** Whether the init's own body is a stream of unknown length (refused with keepalive). */
  readonly streamBody: boolean;
}

function invalid(option: string, what: string, target: FetchInitTarget): never {
  throw new InvalidOptionError(option, describe(`${option}: ${what}`, target));
}

function oneOf<T extends string>(option: string, v: unknown, allowed: readonly T[], target: FetchInitTarget): T {
  if (typeof v !== 'string' || !allowed.includes(v as T))
    invalid(option, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`, target);
  return v as T;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function validate(key: (typeof fetchInitKeys)[number], v: unknown, target: FetchInitTarget): unknown {
  switch (key) {
    case 'credentials':
      return oneOf(key, v, credentialsValues, target);
    case 'mode':
      if (v === 'navigate') invalid(key, "'navigate' cannot be set on a request", target);
      return oneOf(key, v, modeValues, target);
    case 'cache':
      return oneOf(key, v, cacheValues, target);
    case 'referrerPolicy':
      return oneOf(key, v, policyValues, target);
    case 'priority':
      return oneOf(key, v, priorityValues, target);
    case 'keepalive':
      if (typeof v !== 'boolean') invalid(key, `expected a boolean, got ${show(v)}`, target);
      return v;
    case 'integrity':
      if (typeof v !== 'string') invalid(key, `expected a string of integrity metadata, got ${show(v)}`, target);
      return v;
    case 'referrer': {
      const text = v instanceof URL ? v.href : v;
      if (typeof text !== 'string') invalid(key, `expected a URL string, got ${show(v)}`, target);
      // A relative referrer resolves against the document (browser) or fails where there is
      // none (the platform's fetch says so); only text that is no URL reference is refused here.
      if (text !== '' && !URL.canParse(text, 'http://0.0.0.0/')) invalid(key, `not a valid URL: ${show(text)}`, target);
      return text;
    }
  }
}

/** Reads the fields a foreign Request carries (those differing from a plain `new Request(url)`). */
function fromRequest(request: Request, keepReferrer: boolean): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const key of fetchInitKeys) {
    if (!keepReferrer && (key === 'referrer' || key === 'referrerPolicy')) continue;
    let v: unknown = (request as unknown as Record<string, unknown>)[key];
    if (v === undefined || v === requestDefaults[key]) continue;
    if (key === 'mode' && v === 'navigate') v = 'same-origin'; // as `new Request(request, init)` does
    out ??= {};
    out[key] = v;
  }
  return out;
}

function hasInitMember(init: Readonly<Record<string, unknown>>): boolean {
  for (const key of requestInitMembers) if (init[key] !== undefined) return true;
  return false;
}

/**
 * Resolves and validates the fetch init fields of one request: `init`'s win over `request`'s.
 * Returns undefined when none is set (the common case: a plain init's own keys looked up).
 * Throws InvalidOptionError, naming the option, the method and the URL, for what fetch's
 * `Request` constructor refuses: unknown enum values, `mode: 'navigate'`,
 * `cache: 'only-if-cached'` outside `mode: 'same-origin'`, `mode: 'no-cors'` with a method
 * other than GET, HEAD or POST, `keepalive` with a stream body.
 * @example
 * resolveFetchInit({ credentials: 'include' }, null, { method: 'GET', url, streamBody: false }); // { credentials: 'include' }
 */
export function resolveFetchInit(
  init: Readonly<Record<string, unknown>> | undefined,
  request: Request | null,
  target: FetchInitTarget,
): FetchInitFields | undefined {
  let raw: Record<string, unknown> | null = request ? fromRequest(request, init === undefined || !hasInitMember(init)) : null;
  if (init !== undefined) {
    for (const k of keysToRead(init, fetchInitKeys)) {
      if (!fetchInitKeySet.has(k)) continue;
      const key = k as (typeof fetchInitKeys)[number];
      const v = init[key];
      if (v === undefined) continue;
      raw ??= {};
      raw[key] = v;
    }
  }
  if (raw === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of fetchInitKeys) {
    if (!(key in raw)) continue;
    const v = validate(key, raw[key], target);
    if (key === 'integrity' && v === '') continue; // empty metadata: no check, as in fetch
    out[key] = v;
  }
  const fields = out as FetchInitFields;
  const mode = fields.mode ?? 'cors';
  if (fields.cache === 'only-if-cached' && mode !== 'same-origin')
    invalid('cache', `'only-if-cached' can be set only with mode 'same-origin' (mode is '${mode}')`, target);
  if (mode === 'no-cors' && target.method !== 'GET' && target.method !== 'HEAD' && target.method !== 'POST')
    invalid('mode', `'no-cors' allows only GET, HEAD and POST (method is ${target.method})`, target);
  if (fields.keepalive === true && target.streamBody)
    invalid('keepalive', 'a keepalive request cannot have a stream body (give its bytes, a string or a Blob)', target);
  return Object.keys(out).length === 0 ? undefined : Object.freeze(fields);
}

/**
 * Copies the fields a request set onto the init of a platform `fetch` call, except `skip`
 * (e.g. `integrity` where core verifies it because the platform checks encoded bytes or
 * every redirect hop). Nothing is copied for a request that set none.
 * @example
 * applyFetchInit(init, ctx.options.fetchInit, 'integrity');
 */
export function applyFetchInit(init: RequestInit, fields: FetchInitFields | undefined, skip?: keyof FetchInitFields): void {
  if (fields === undefined) return;
  for (const key of fetchInitKeys) {
    const v = fields[key];
    if (v !== undefined && key !== skip) (init as Record<string, unknown>)[key] = v;
  }
}

/**
 * The fetch fields a real Request is built with, so that it reports them. Not `mode:
 * 'no-cors'`: the platform's Request would then drop the request's other headers from the
 * copy user code sees (and may send on); the browser applies that guard at the network.
 */
export function platformInit(fields: FetchInitFields | undefined): RequestInit | undefined {
  if (fields === undefined) return undefined;
  const { mode, ...rest } = fields;
  const out: RequestInit = mode === undefined || mode === 'no-cors' ? rest : { ...rest, mode };
  return Object.keys(out).length === 0 ? undefined : out;
}
