/**
 * FerryRequest: a `Request` that is cheap to make. Building a WHATWG `Request` costs 4–26 µs
 * on Node 20 (more than a whole keep-alive exchange's share of CPU), so ferry's requests keep
 * their parts (URL, method, header list, body source) and build the real `Request` only when
 * something asks for a part they do not keep (`clone()`, `text()`, `credentials` …).
 * `instanceof Request` holds. Where the runtime's `Request` internals can be answered from a
 * materialised one (Node 20, 22), a lazy request also passes `new Request(lazy, init)` and the
 * platform's `fetch(lazy)`; elsewhere (Node 24, Deno, Bun) `platformRequest()` turns it into a real
 * one wherever code outside ferry can see it (docs/decisions/0010).
 * @module
 */
import { requestView } from '../util/errors.js';
import { type HeaderList, listOfHeaders } from '../util/headers.js';
import { requestInternalKeys } from '../util/platform.js';
import { type RequestBody, streamOfBody } from './body.js';
import { type FetchInitFields, platformInit } from './fetch-init.js';

const kState = Symbol('ferry.request');

/** A lazy request's state; it is its RequestParts too (requestParts() is read on every hop). */
export interface RequestState {
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

/** The parts the constructor is told when ferry builds a real request (see `construct`). */
type KnownParts = Pick<RequestState, 'url' | 'method' | 'list' | 'redirect' | 'init'>;

/** The state of one of ferry's requests, or undefined for any other Request. */
export function requestState(request: Request): RequestState | undefined {
  return (request as unknown as { [kState]?: RequestState })[kState];
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
    headers: s.touched ? listOfHeaders(s.touched) : s.list,
    body: s.body,
    redirect: s.redirect,
    init: s.init,
  });
  return s.real;
}

/**
 * A `Request` whose parts ferry can read cheaply. Construct it like a `Request`; ferry's own
 * requests come from `createRequest()`.
 */
export class FerryRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, init);
    // ferry's own construction (`construct` below) passes the parts it knows as a third
    // argument: parsing the URL again and copying the headers cost as much as the Request.
    // biome-ignore lint/complexity/noArguments: a third argument only ferry passes, kept out of the public signature
    const known = arguments[2] as KnownParts | undefined;
    if (known !== undefined) {
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
        headers: s.touched ? listOfHeaders(s.touched) : s.list,
        body: s.body?.replay?.() ?? null,
        redirect: s.redirect,
        init: s.init,
      });
    }
    return (proto.clone as () => Request).call(materialise(this));
  }
  /** What user code is shown of this request (an error's `request`): see `platformRequest`. */
  [requestView](): Request {
    return platformRequest(this);
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

// The runtime's internal keys, answered from the materialised Request (own properties of
// real instances shadow these).
const internalKeys = requestInternalKeys();
for (const key of internalKeys) {
  Object.defineProperty(FerryRequest.prototype, key, {
    configurable: true,
    get(this: FerryRequest) {
      return (materialise(this) as unknown as Record<symbol, unknown>)[key];
    },
    // The Request constructor assigns these keys (`new FerryRequest()`): give the instance
    // its own property, as a plain Request has.
    set(this: FerryRequest, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * Builds a FerryRequest for ferry's own use: lazy in every runtime. Hand it to code outside
 * ferry's built-ins only through `platformRequest()`; middleware authors use `createRequest()`.
 */
export function lazyRequest(fields: RequestFields): FerryRequest {
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

/** Whether the platform's `Request` accepts a lazy one as input (it reads the internal keys). */
function platformTakesLazy(): boolean {
  if (internalKeys.length === 0) return false;
  try {
    const probe = lazyRequest({
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
}

/**
 * Whether the requests ferry hands to user code are lazy in this runtime (for tests and
 * diagnostics). Inside the chain they are lazy everywhere; where the platform's `Request`
 * cannot accept a lazy one (private fields, as on Node 24), `platformRequest()` turns it into a real
 * one at the points where user code can see it.
 */
export const lazyRequests: boolean = /* @__PURE__ */ platformTakesLazy();

/**
 * The request as user code may see it: itself where lazy requests are accepted by the
 * platform (or it is real already), else the real FerryRequest with the same parts, built
 * once and kept (so `new Request(r)`, `fetch(r)` and `Request.prototype` members work on it).
 */
export function platformRequest<R extends Request | undefined>(request: R): R {
  if (lazyRequests || request === undefined) return request;
  const s = requestState(request as Request);
  if (s === undefined || s.real === request) return request;
  return materialise(request as unknown as FerryRequest) as R;
}

/**
 * Builds a FerryRequest: lazy where the runtime allows it, a real one elsewhere. Safe to
 * hand to any code (the platform's `fetch` included).
 */
export function createRequest(fields: RequestFields): FerryRequest {
  return lazyRequests ? lazyRequest(fields) : realRequest(fields);
}

/** Builds a real FerryRequest (constructed, with its parts known) from fields. */
function realRequest(fields: RequestFields): FerryRequest {
  const redirect = fields.redirect ?? 'follow';
  if (fields.body === null && fields.method === 'GET' && redirect === 'follow' && fields.init === undefined) {
    // Without an init dictionary the platform skips converting its every member: the plain
    // GET (most requests) then costs a fifth less to build.
    const r = construct(fields.url.href, undefined, { url: fields.url, method: 'GET', list: fields.headers, redirect, init: undefined });
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
  const known: KnownParts = { url: fields.url, method: fields.method, list: fields.headers, redirect, init: fields.init };
  const extra = platformInit(fields.init);
  let r: FerryRequest;
  if (extra === undefined) r = construct(fields.url, init, known);
  else {
    try {
      r = construct(fields.url, { ...init, ...extra }, known);
    } catch {
      // A runtime whose Request refuses one of them (they were validated as fetch does, so
      // this is a stricter rule of its own): the request stands, reporting its defaults for them.
      r = construct(fields.url, init, known);
    }
  }
  (state(r) as { body: RequestBody | null }).body = fields.body;
  return r;
}

/** `new FerryRequest(input, init)` with its parts known (the constructor's third argument). */
function construct(input: string | URL, init: RequestInit | undefined, known: KnownParts): FerryRequest {
  return new (FerryRequest as unknown as new (input: string | URL, init: RequestInit | undefined, known: KnownParts) => FerryRequest)(
    input,
    init,
    known,
  );
}
