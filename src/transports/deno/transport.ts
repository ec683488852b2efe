/**
 * The Deno transport: Deno's fetch, one exchange (`redirect: 'manual'`), with
 * `Deno.createHttpClient` for proxies (http, https, socks5/socks5h), extra CAs, client
 * certificates and unix sockets.
 *
 * Decoding: Deno decodes a lone gzip or br itself (it cannot be told not to, except by asking
 * for `identity`) and keeps their Content-Encoding and Content-Length; deflate, x-gzip, zstd
 * and stacked codings arrive raw. So `rawBody` is false (ferry's decompress step steps
 * aside) and this transport finishes the platform's job: it removes what Deno decoded from
 * the headers (counting those bytes against `maxDecompressedBytes`) and runs core's
 * `decompress()` over the rest, with the web decoders plus brotli from Deno's
 * DecompressionStream. zstd is not decodable on Deno and stays encoded, header intact.
 * @module
 */
import {
  applyFetchInit,
  type Capabilities,
  CapabilityError,
  ConnectError,
  type Decoder,
  DecodingError,
  decompress,
  describe,
  type FetchExchange as Exchange,
  type ExchangeContext,
  FerryResponse,
  fetchSource,
  mappedStream,
  markReadsRequestParts,
  nativeWebSocket,
  ProxyError,
  type RequestBody,
  requestParts,
  streamOfBody,
  TLSError,
  type Transport,
  TransportError,
  webDecoders,
} from '../../core/kit.js';
import { type DenoHttpClient, type DenoTlsOptions, denoGlobal, httpClientOptions } from './http-client.js';

/** Options of `createDenoTransport()`. */
export interface DenoTransportOptions {
  /** Proxy URL: `http:`, `https:`, `socks5:` or `socks5h:`; credentials in the URL. */
  proxy?: string | URL;
  /** Extra CAs and a client certificate (PEM text or file paths). */
  tls?: DenoTlsOptions;
  /** Send every request over this unix domain socket. */
  socketPath?: string;
  /** Allow HTTP/2 (default: Deno's, true). */
  http2?: boolean;
  /** A `Deno.HttpClient` of your own (instead of the settings above). */
  client?: DenoHttpClient;
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
}

const capabilities: Capabilities = Object.freeze({
  manualRedirects: true,
  cookieHeaders: true,
  rawBody: false,
  streamingUpload: true,
  proxy: true,
  tls: true,
  unixSocket: true,
  http2: true,
  websocketHeaders: true,
  expectContinue: false,
});

type Init = RequestInit & { duplex?: 'half'; client?: DenoHttpClient };

function bodyInit(body: RequestBody): { body: BodyInit; stream: boolean } {
  const { source } = body;
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof Blob)
    return { body: source as BodyInit, stream: false };
  return { body: streamOfBody(body), stream: true };
}

function headerOf(headers: Headers | readonly (readonly [string, string])[], name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  for (const [k, v] of headers) if (k === name) return v;
  return null;
}

function causeText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const m = (cur as Error).message;
    if (typeof m === 'string') parts.push(m);
    cur = (cur as Error).cause;
  }
  return parts.join(': ');
}

/** Maps a Deno fetch rejection onto ferry's error tree. */
export function mapDenoError(e: unknown, exchange: Exchange): unknown {
  const text = causeText(e);
  const init = { cause: e };
  if (/proxy/i.test(text)) return new ProxyError(describe(`proxy failed: ${text}`, exchange), undefined, init);
  if (/certificate|tls|ssl|handshake|UnknownIssuer|NotValidForName/i.test(text))
    return new TLSError(describe(`TLS: ${text}`, exchange), init);
  if (/connect|dns error|lookup|refused|unreachable|No such file/i.test(text))
    return new ConnectError(describe(`cannot connect: ${text}`, exchange), init);
  return new TransportError(describe(text || 'network error', exchange), init);
}

/**
 * Whether Deno decoded this body itself: it does for a single `gzip` or `br` coding unless the
 * request asked for `identity` (checked against Deno 2.x; the conformance suite guards it).
 */
function decodedByDeno(acceptEncoding: string | null, contentEncoding: string | null): boolean {
  if (contentEncoding === null) return false;
  if (acceptEncoding !== null && acceptEncoding.trim().toLowerCase() === 'identity') return false;
  return /^\s*(gzip|br)\s*$/i.test(contentEncoding);
}

function limited(body: ReadableStream<Uint8Array>, limit: number, exchange: Exchange): ReadableStream<Uint8Array> {
  const reader = mappedStream(body, exchange).getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const r = await reader.read();
        if (r.done) return controller.close();
        total += r.value.byteLength;
        if (total > limit) {
          const error = new DecodingError(describe(`body decodes to more than maxDecompressedBytes (${limit})`, exchange));
          reader.cancel(error).catch(() => {});
          throw error;
        }
        controller.enqueue(r.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function brotli(): Record<string, Decoder> {
  try {
    new DecompressionStream('brotli' as CompressionFormat);
  } catch {
    return {};
  }
  return {
    br: (s) => s.pipeThrough(new DecompressionStream('brotli' as CompressionFormat) as unknown as TransformStream<Uint8Array, Uint8Array>),
  };
}

/**
 * Creates the Deno transport. Throws InvalidOptionError / CapabilityError for options it
 * cannot honour, before any I/O.
 * @example
 * const client = createClient({ transport: createDenoTransport({ proxy: 'socks5h://127.0.0.1:1080' }) });
 */
export function createDenoTransport(options: DenoTransportOptions = {}): Transport {
  const deno = denoGlobal();
  let client: DenoHttpClient | undefined = options.client;
  if (client === undefined) {
    const clientOptions = httpClientOptions(options, deno);
    if (clientOptions !== null) {
      if (!deno)
        throw new CapabilityError(
          'deno',
          'createHttpClient',
          'the deno transport needs Deno.createHttpClient for proxy, tls and socketPath',
        );
      client = deno.createHttpClient(clientOptions);
    }
  }
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function sendRaw(request: Request, ctx: ExchangeContext): Promise<Response> {
    const parts = requestParts(request);
    const { url, method } = parts;
    const signal = ctx.signal;
    const exchange: Exchange = { method, url: url.href, signal };
    let headers = parts.headers;
    const accept = headerOf(headers, 'accept-encoding');
    if (!ctx.options.decompress) {
      // Deno decodes gzip and br unless asked for identity: raw bytes need identity.
      if (accept !== null && accept.trim().toLowerCase() !== 'identity')
        throw new CapabilityError(
          'deno',
          'rawBody',
          describe('the deno transport cannot keep gzip/br bodies encoded (decompress: false needs Accept-Encoding: identity)', exchange),
        );
      if (accept === null) headers = [...(headers instanceof Headers ? [...headers] : headers), ['accept-encoding', 'identity']];
    }
    const init: Init = {
      method,
      headers: headers instanceof Headers ? headers : (headers as [string, string][]),
      redirect: 'manual',
    };
    if (parts.body) {
      const b = bodyInit(parts.body);
      init.body = b.body;
      if (b.stream) init.duplex = 'half';
    }
    // The request's own fetch fields, as the user set them (Deno's fetch ignores most: see
    // "fetch's per-request fields" in docs/options.md). Not integrity: Deno's fetch does not verify it, and core's integrity() checks
    // the final decoded body instead.
    applyFetchInit(init, ctx.options.fetchInit, 'integrity');
    if (signal) init.signal = signal;
    if (client) init.client = client;
    let res: Response;
    try {
      res = await platformFetch(url.href, init);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw mapDenoError(e, exchange);
    }
    let resHeaders = res.headers;
    let body = res.body ? fetchSource(res, exchange) : null;
    if (decodedByDeno(headerOf(headers, 'accept-encoding'), resHeaders.get('content-encoding'))) {
      resHeaders = new Headers(resHeaders);
      resHeaders.delete('content-encoding');
      resHeaders.delete('content-length');
      const stream = res.body && limited(res.body, ctx.options.maxDecompressedBytes, exchange);
      body = stream && { stream: () => stream, cancel: (reason) => void stream.cancel(reason).catch(() => {}) };
    }
    return new FerryResponse(body, {
      status: res.status,
      statusText: res.statusText,
      headers: resHeaders,
      url: url.href,
      request,
    });
  }

  // Core's decompress() over the raw exchange decodes what Deno left encoded.
  const decoding = decompress({ decoders: { ...webDecoders(), ...brotli() } });
  const send = (request: Request, ctx: ExchangeContext): Promise<Response> => decoding(request, sendRaw, ctx);

  return markReadsRequestParts({
    name: 'deno',
    websocket: (request, ctx, options) => nativeWebSocket(request, ctx, options, { headers: true }),
    capabilities,
    send,
    close: async () => {
      if (client && client !== options.client) client.close();
    },
  });
}
