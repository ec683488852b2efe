/**
 * The browser transport: `globalThis.fetch`. The browser keeps redirects (opaque when manual),
 * cookies and decoding to itself; the capabilities say so, and ferry's middleware step aside
 * or refuse explicit options with a CapabilityError instead of pretending.
 * @module
 */
import {
  type Capabilities,
  describe,
  type ExchangeContext,
  FerryResponse,
  requestParts,
  streamOfBody,
  type Transport,
  TransportError,
} from '../../core/index.js';

/** Options of `createBrowserTransport()`. */
export interface BrowserTransportOptions {
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** `credentials` for every request (default 'same-origin'): the browser's cookie jar applies. */
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
});

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
    const init: RequestInit & { duplex?: 'half' } = {
      method: parts.method,
      headers: parts.headers instanceof Headers ? parts.headers : (parts.headers as [string, string][]),
      redirect: 'follow',
      credentials,
    };
    if (parts.body) {
      const { source } = parts.body;
      init.body =
        typeof source === 'string' || source instanceof Uint8Array || source instanceof Blob
          ? (source as BodyInit)
          : streamOfBody(parts.body);
      if (init.body instanceof ReadableStream) init.duplex = 'half';
    }
    if (ctx.signal) init.signal = ctx.signal;
    let res: Response;
    try {
      res = await platformFetch(parts.url.href, init);
    } catch (e) {
      if (ctx.signal?.aborted) throw ctx.signal.reason;
      throw new TransportError(
        describe(`network error: ${(e as Error)?.message ?? String(e)}`, { method: parts.method, url: parts.url.href }),
        {
          cause: e,
        },
      );
    }
    return new FerryResponse(res.body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      url: res.url || parts.url.href,
      request,
      redirected: res.redirected,
    });
  }
  return { name: 'browser', capabilities, send };
}
