/**
 * FerryRequest: a `Request` that is cheap to make. Building a WHATWG `Request` costs 4–26 µs
 * on Node 20 (more than a whole keep-alive exchange's share of CPU), so ferry's requests keep
 * their parts (URL, method, header list, body source) and build the real `Request` only when
 * something asks for a part they do not keep (`clone()`, `text()`, `credentials` …).
 * `instanceof Request` holds; `new Request(ferryRequest, init)` and the platform's
 * `fetch(ferryRequest)` work too, verified by a probe at load time: where the runtime's
 * `Request` internals cannot be reached that way, every FerryRequest is a real one.
 * @module
 */
import { type RequestBody, streamOfBody } from './body.js';
import { setErrorRequestView } from './errors.js';
import { type FetchInitFields, platformInit } from './fetch-init.js';
import type { HeaderList } from './headers.js';
import { platformBodyLength, requestInternalKeys } from './platform.js';

const kState = Symbol('ferry.request');

/** A lazy request's state is its RequestParts too (requestParts() is read on every hop). */
interface RequestState {
  readonly url: URL;
  readonly method: string;
  readonly list: HeaderList;
  /** The Headers handed out by `headers` (lazily built, or the real one's): null while untouched. */
  touched: Headers | null;
  headers: HeaderList | Headers; // `list` until touched, then that Headers
  readonly body: RequestBody | null;
  readonly redirect: RequestRedirect;
  /** fetch's per-request fields the user set (credentials, mode …), for the real Request. */
  readonly init: FetchInitFields | undefined;
  real: Request | null; // `this` for one built by the constructor, a materialised one, or null
}

/** The parts of a request a transport needs, read without building anything. */
export interface RequestParts {
  readonly url: URL;
  readonly method: string;
  /** Header list (lower-case names) or, once someone touched `headers`, that Headers. */
  readonly headers: HeaderList | Headers;
  /** The body source, or null. A foreign `Request`'s body arrives as a one-shot stream. */
  readonly body: RequestBody | null;
}

/** Fields to build a FerryRequest from. */
export interface RequestFields {
  readonly url: URL;
  readonly method: string;
  readonly headers: HeaderList;
  readonly body: RequestBody | null;
  readonly redirect?: RequestRedirect;
  /** fetch's per-request fields (credentials, mode …): what a real Request built from these reports. */
  readonly init?: FetchInitFields | undefined;
}

function state(r: FerryRequest): RequestState {
  return (r as unknown as { [kState]: RequestState })[kState];
}

const proto = Request.prototype;
const get = (name: string, target: Request): unknown => Reflect.get(proto, name, target);

function materialise(r: FerryRequest): Request {
  const s = state(r);
  if (s.real) return s.real;
  s.real = realRequest({
    url: s.url,
    method: s.method,
    headers: s.touched ? listOf(s.touched) : s.list,
    body: s.body,
    redirect: s.redirect,
    init: s.init,
  });
  return s.real;
}

/** Parts createRequest() hands to the next FerryRequest constructor call. */
let preset: Pick<RequestState, 'url' | 'method' | 'list' | 'redirect' | 'init'> | null = null;

/**
 * A `Request` whose parts ferry can read cheaply. Construct it like a `Request`; ferry's own
 * requests come from `createRequest()`.
 */
export class FerryRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const known = preset;
    preset = null;
    super(input, init);
    if (known !== null) {
      // From createRequest(): the parts are known already (parsing the URL again and copying
      // the headers cost as much as the Request itself where requests cannot be lazy).
      (this as unknown as { [kState]: RequestState })[kState] = { ...known, touched: null, headers: known.list, body: null, real: this };
      return;
    }
    const list: [string, string][] = [];
    (Reflect.get(proto, 'headers', this) as Headers).forEach((v, k) => list.push([k, v]));
    (this as unknown as { [kState]: RequestState })[kState] = {
      url: new URL(get('url', this) as string),
      method: get('method', this) as string,
      list,
      touched: null,
      headers: list,
      body: null,
      redirect: get('redirect', this) as RequestRedirect,
      init: undefined,
      real: this,
    };
  }
  override get method(): string {
    return state(this).method;
  }
  override get url(): string {
    return state(this).url.href;
  }
  override get headers(): Headers {
    const s = state(this);
    // Marked as touched (it may change now): requestParts() reads the list until then.
    if (s.real) return (s.headers = s.touched = get('headers', s.real) as Headers);
    s.touched ??= new Headers(s.list as [string, string][]);
    return (s.headers = s.touched);
  }
  override get redirect(): RequestRedirect {
    return state(this).redirect;
  }
  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    const s = state(this);
    if (!s.real && s.body === null) return null;
    return get('body', materialise(this)) as ReadableStream<Uint8Array<ArrayBuffer>> | null;
  }
  override get bodyUsed(): boolean {
    const s = state(this);
    return s.real ? (get('bodyUsed', s.real) as boolean) : false;
  }
  override get signal(): AbortSignal {
    return get('signal', materialise(this)) as AbortSignal;
  }
  override clone(): Request {
    const s = state(this);
    if (!s.real && (s.body === null || s.body.replay !== null)) {
      return createRequest({
        url: s.url,
        method: s.method,
        headers: s.touched ? listOf(s.touched) : s.list,
        body: s.body?.replay?.() ?? null,
        redirect: s.redirect,
        init: s.init,
      });
    }
    return (proto.clone as () => Request).call(materialise(this));
  }
}

// Every other member of Request: answer from the real one, built on first use.
for (const name of [
  'cache',
  'credentials',
  'destination',
  'integrity',
  'keepalive',
  'mode',
  'referrer',
  'referrerPolicy',
  'isHistoryNavigation',
  'isReloadNavigation',
  'duplex',
]) {
  if (!(name in proto)) continue;
  Object.defineProperty(FerryRequest.prototype, name, {
    configurable: true,
    get(this: FerryRequest) {
      return get(name, materialise(this));
    },
  });
}
for (const name of ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text']) {
  const method = (proto as unknown as Record<string, unknown>)[name];
  if (typeof method !== 'function') continue;
  Object.defineProperty(FerryRequest.prototype, name, {
    configurable: true,
    writable: true,
    value(this: FerryRequest) {
      return (method as () => unknown).call(materialise(this));
    },
  });
}

// Answer the runtime's internal keys from the materialised Request (own properties of real
// instances shadow these), then check that the platform accepts a lazy request.
const internalKeys = requestInternalKeys();
for (const key of internalKeys) {
  Object.defineProperty(FerryRequest.prototype, key, {
    configurable: true,
    get(this: FerryRequest) {
      return (materialise(this) as unknown as Record<symbol, unknown>)[key];
    },
    // The Request constructor assigns these keys (`new FerryRequest()` when lazy requests are
    // off, e.g. on Deno): give the instance its own property, as a plain Request has.
    set(this: FerryRequest, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

function lazy(fields: RequestFields): FerryRequest {
  const r = Object.create(FerryRequest.prototype) as FerryRequest;
  (r as unknown as { [kState]: RequestState })[kState] = {
    url: fields.url,
    method: fields.method,
    list: fields.headers,
    touched: null,
    headers: fields.headers,
    body: fields.body,
    redirect: fields.redirect ?? 'follow',
    init: fields.init,
    real: null,
  };
  return r;
}

const lazyWorks = ((): boolean => {
  if (internalKeys.length === 0) return false;
  try {
    const probe = lazy({
      url: new URL('http://0.0.0.0/probe'),
      method: 'POST',
      headers: [['x-probe', '1']],
      body: { source: 'x', length: 1, type: null, replay: null },
    });
    const derived = new Request(probe, { headers: { 'x-derived': '1' } });
    return derived.method === 'POST' && derived.url === 'http://0.0.0.0/probe' && derived.body !== null;
  } catch {
    return false;
  }
})();

/**
 * Whether the requests ferry hands to user code are lazy in this runtime (for tests and
 * diagnostics). Inside the chain they are lazy everywhere; where the platform's `Request`
 * cannot accept a lazy one (private fields, as on Node 24), `publish()` turns it into a real
 * one at the points where user code can see it.
 */
export const lazyRequests: boolean = lazyWorks;

if (!lazyWorks) setErrorRequestView(publish);

/**
 * Builds a FerryRequest for ferry's own use: lazy in every runtime. Hand it to code outside
 * ferry's built-ins only through `publish()`; middleware authors use `createRequest()`.
 */
export function makeRequest(fields: RequestFields): FerryRequest {
  return lazy(fields);
}

/**
 * The request as user code may see it: itself where lazy requests are accepted by the
 * platform (or it is real already), else the real FerryRequest with the same parts, built
 * once and kept (so `new Request(r)`, `fetch(r)` and `Request.prototype` members work on it).
 */
export function publish<R extends Request | undefined>(request: R): R {
  if (lazyWorks || request === undefined) return request;
  const s = (request as unknown as { [kState]?: RequestState })[kState];
  if (s === undefined || s.real === request) return request;
  return materialise(request as unknown as FerryRequest) as R;
}

/** Builds a real FerryRequest (constructed, with its parts known) from fields. */
function realRequest(fields: RequestFields): FerryRequest {
  const redirect = fields.redirect ?? 'follow';
  if (fields.body === null && fields.method === 'GET' && redirect === 'follow' && fields.init === undefined) {
    // Without an init dictionary the platform skips converting its every member: the plain
    // GET (most requests) then costs a fifth less to build.
    preset = { url: fields.url, method: 'GET', list: fields.headers, redirect, init: undefined };
    const r = new FerryRequest(fields.url.href);
    const headers = get('headers', r) as Headers;
    for (const [name, value] of fields.headers) headers.append(name, value);
    return r;
  }
  const init: RequestInit & { duplex?: 'half' } = {
    method: fields.method,
    headers: fields.headers as [string, string][],
    redirect,
  };
  if (fields.body) {
    init.body = streamOfBody(fields.body);
    init.duplex = 'half';
  }
  const r = construct(fields, init, platformInit(fields.init));
  (state(r) as { body: RequestBody | null }).body = fields.body;
  return r;
}

function construct(fields: RequestFields, init: RequestInit, extra: RequestInit | undefined): FerryRequest {
  const known = {
    url: fields.url,
    method: fields.method,
    list: fields.headers,
    redirect: init.redirect as RequestRedirect,
    init: fields.init,
  };
  preset = known;
  if (extra === undefined) return new FerryRequest(fields.url, init);
  try {
    return new FerryRequest(fields.url, { ...init, ...extra });
  } catch {
    // A runtime whose Request refuses one of them (they were validated as fetch does, so this
    // is a stricter rule of its own): the request stands, reporting its defaults for them.
    preset = known;
    return new FerryRequest(fields.url, init);
  }
}

/**
 * Builds a FerryRequest: lazy where the runtime allows it, a real one elsewhere. Safe to
 * hand to any code (the platform's `fetch` included).
 */
export function createRequest(fields: RequestFields): FerryRequest {
  return lazyWorks ? lazy(fields) : realRequest(fields);
}

function listOf(headers: Headers): HeaderList {
  const list: [string, string][] = [];
  headers.forEach((v, k) => {
    if (k === 'set-cookie') for (const c of headers.getSetCookie()) list.push([k, c]);
    else list.push([k, v]);
  });
  return list;
}

/**
 * Reads a request's parts without building anything for ferry's own requests; a foreign
 * `Request` gives its URL, method, headers and body stream (one-shot, length unknown).
 */
export function requestParts(request: Request): RequestParts {
  const s = (request as unknown as { [kState]?: RequestState })[kState];
  if (s !== undefined) {
    if (!s.real) return s;
    const used = get('bodyUsed', s.real) as boolean;
    const realBody = get('body', s.real) as ReadableStream<Uint8Array> | null;
    // The source of bytes/strings/Blobs is immutable, so it can still be sent as it is,
    // unless someone consumed or locked the stream built from it.
    const body =
      s.body && s.body.replay !== null && !used && !realBody?.locked
        ? s.body
        : realBody
          ? { source: realBody, length: s.body?.length ?? null, type: null, replay: null }
          : null;
    // Headers nobody touched are still the list the request was built with.
    return { url: s.url, method: s.method, headers: s.touched === null ? s.list : (get('headers', s.real) as Headers), body };
  }
  const stream = request.body;
  return {
    url: new URL(request.url),
    method: request.method,
    headers: request.headers,
    body: stream ? { source: stream, length: platformBodyLength(request), type: null, replay: null } : null,
  };
}

/** Changes for `deriveRequest`; `headers` replaces the whole list. */
export interface RequestChanges {
  readonly url?: URL;
  readonly method?: string;
  readonly headers?: HeaderList;
  /** A new body, or null to drop it; omitted keeps (a replay of) the current one. */
  readonly body?: RequestBody | null;
}

/**
 * A new request from `request` with `changes`: the middleware way to derive a request
 * without losing the body source. Keeps the original's body (replayed when replayable).
 */
export function deriveRequest(request: Request, changes: RequestChanges): FerryRequest {
  return publish(derive(request, changes));
}

/** `deriveRequest` for ferry's built-ins: the result is lazy in every runtime (see `publish`). */
export function derive(request: Request, changes: RequestChanges): FerryRequest {
  const parts = requestParts(request);
  const body = 'body' in changes ? (changes.body ?? null) : parts.body && (parts.body.replay ? parts.body.replay() : parts.body);
  return makeRequest({
    url: changes.url ?? parts.url,
    method: changes.method ?? parts.method,
    headers: changes.headers ?? (parts.headers instanceof Headers ? listOf(parts.headers) : parts.headers),
    body,
    redirect: request.redirect,
    init: (request as unknown as { [kState]?: RequestState })[kState]?.init,
  });
}

/** The header list of a request (lower-case names), cheap for ferry's own requests. */
export function headerList(request: Request): HeaderList {
  const h = requestParts(request).headers;
  return h instanceof Headers ? listOf(h) : h;
}

/** A request's signal, without materialising a lazy FerryRequest (whose signal never aborts). */
export function signalOfRequest(request: Request): AbortSignal | undefined {
  const s = (request as unknown as { [kState]?: RequestState })[kState];
  if (s !== undefined && !s.real) return undefined;
  return request.signal;
}
