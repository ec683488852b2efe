/**
 * The browser transport: `globalThis.fetch`. The browser keeps redirects (opaque when manual),
 * cookies and decoding to itself; the capabilities say so. Redirects are followed natively
 * (`res.redirected` and the final `url` are set; `res.history` stays empty), cookies come from
 * the browser's jar (`credentials`), and bodies arrive decoded (the Content-Encoding the
 * browser decoded is removed, so nothing decodes twice). An explicit option the browser cannot
 * honour (`redirect: 'manual'`, a `Cookie` header, `decompress: false`, `maxRedirects` …)
 * throws a CapabilityError before any I/O. Stream bodies are collected before sending:
 * Chromium streams uploads only over HTTP/2.
 * @module
 */
import {
  applyFetchInit,
  type Capabilities,
  CapabilityError,
  describe,
  type FetchExchange as Exchange,
  type ExchangeContext,
  FerryResponse,
  fetchSource,
  markReadsRequestParts,
  nativeWebSocket,
  RedirectError,
  type RequestBody,
  requestParts,
  streamOfBody,
  type Transport,
  TransportError,
} from '../../core/kit.js';

/** Options of `createBrowserTransport()`. */
export interface BrowserTransportOptions {
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /**
   * `credentials` for every request (default 'same-origin'): the browser's cookie jar applies.
   * A request's own `credentials` wins.
   */
  credentials?: RequestCredentials;
}

const capabilities: Capabilities = Object.freeze({
  manualRedirects: false,
  cookieHeaders: false,
  rawBody: false,
  streamingUpload: false,
  proxy: false,
  tls: false,
  unixSocket: false,
  http2: false,
  websocketHeaders: false,
  expectContinue: false,
  integrity: true,
});

/** Codings browsers decode themselves. */
const decodedCodings = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

function refuse(capability: string, what: string, exchange: Exchange): never {
  throw new CapabilityError('browser', capability, describe(`the browser transport cannot do ${capability}: ${what}`, exchange));
}

function hasHeader(headers: Headers | readonly (readonly [string, string])[], name: string): boolean {
  if (headers instanceof Headers) return headers.has(name);
  return headers.some(([k]) => k === name);
}

/** Everything checked before any I/O. */
function check(ctx: ExchangeContext, headers: Headers | readonly (readonly [string, string])[], exchange: Exchange): void {
  const o = ctx.options;
  if (o.redirect === 'manual') refuse('manualRedirects', "redirect: 'manual' gives an opaque response in a browser", exchange);
  if (o.redirect === 'follow') {
    if (o.maxRedirects !== 20) refuse('maxRedirects', 'the browser follows up to 20 redirects itself', exchange);
    if (o.redirectPolicy !== 'browser') refuse('redirectPolicy', 'the browser applies its own redirect policy', exchange);
    if (o.sensitiveHeaders.size > 0) refuse('sensitiveHeaders', 'the browser follows redirects itself', exchange);
  }
  if (!o.decompress) refuse('rawBody', 'browsers always decode response bodies (decompress: false)', exchange);
  if (hasHeader(headers, 'cookie')) refuse('cookieHeaders', 'a Cookie header is forbidden; the browser sends its own cookies', exchange);
}

async function bodyInit(body: RequestBody): Promise<BodyInit> {
  const { source } = body;
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof Blob) return source as BodyInit;
  return new Response(streamOfBody(body)).blob();
}

function decodedHeaders(headers: Headers): Headers {
  const coding = headers.get('content-encoding');
  if (coding === null) return headers;
  const all = coding.split(',').map((c) => c.trim().toLowerCase());
  if (!all.every((c) => c === '' || c === 'identity' || decodedCodings.has(c))) return headers;
  const out = new Headers(headers);
  out.delete('content-encoding');
  out.delete('content-length');
  return out;
}

/**
 * Creates the browser transport.
 * @example
 * const client = createClient({ transport: createBrowserTransport({ credentials: 'include' }) });
 */
export function createBrowserTransport(options: BrowserTransportOptions = {}): Transport {
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const credentials = options.credentials ?? 'same-origin';
  async function send(request: Request, ctx: ExchangeContext): Promise<Response> {
    const parts = requestParts(request);
    const { url, method } = parts;
    const signal = ctx.signal;
    const exchange: Exchange = { method, url: url.href, signal };
    check(ctx, parts.headers, exchange);
    const init: RequestInit = {
      method,
      headers: parts.headers instanceof Headers ? parts.headers : (parts.headers as [string, string][]),
      redirect: ctx.options.redirect === 'error' ? 'manual' : 'follow',
      credentials,
    };
    // The request's own fetch fields (credentials, mode, cache, referrer, integrity …): the
    // browser honours them all, and verifies integrity itself (capabilities.integrity).
    applyFetchInit(init, ctx.options.fetchInit);
    if (signal) init.signal = signal;
    let res: Response;
    try {
      if (parts.body) init.body = await bodyInit(parts.body);
      res = await platformFetch(url.href, init);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw new TransportError(describe(`network error: ${(e as Error)?.message ?? String(e)}`, exchange), { cause: e });
    }
    if (res.type === 'opaqueredirect') throw new RedirectError(describe("redirect refused (redirect: 'error')", exchange));
    return new FerryResponse(res.body ? fetchSource(res, exchange) : null, {
      status: res.status,
      statusText: res.statusText,
      headers: decodedHeaders(res.headers),
      url: res.url || url.href,
      request,
      redirected: res.redirected,
    });
  }
  return markReadsRequestParts({
    name: 'browser',
    capabilities,
    send,
    websocket: (request, ctx, options) => nativeWebSocket(request, ctx, options, { headers: false }),
  });
}
