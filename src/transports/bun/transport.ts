/**
 * The Bun transport: Bun's fetch, one exchange (`redirect: 'manual'`), with
 * `decompress: false` so the body arrives as sent and decoding, its limits and its events are
 * ferry's (Bun's `DecompressionStream` knows brotli and zstd, handed to ferry as decoders).
 * `proxy` (http/https), `tls` and `unix` map onto Bun's fetch options; SOCKS proxies are
 * refused with a CapabilityError. Never imports the Node transport: Bun resolves a bare
 * `import 'undici'` to a stub.
 * @module
 */
import {
  applyFetchInit,
  type Capabilities,
  CapabilityError,
  ConnectError,
  type Decoder,
  describe,
  type FetchExchange as Exchange,
  type ExchangeContext,
  FerryResponse,
  fetchSource,
  InvalidOptionError,
  markReadsRequestParts,
  nativeWebSocket,
  ProxyError,
  type RequestBody,
  requestParts,
  streamOfBody,
  TLSError,
  type Transport,
  TransportError,
} from '../../core/kit.js';

/** TLS settings of the Bun transport. */
export interface BunTlsOptions {
  /** Trusted CA certificates (PEM); replaces the default list, as in Node. */
  ca?: string | readonly string[];
  /** Client certificate chain (PEM), with `key`. */
  cert?: string;
  /** Client private key (PEM), with `cert`. */
  key?: string;
  /** Verify the server's certificate (default true). */
  verify?: boolean;
  /** The name to verify the certificate against (SNI). */
  servername?: string;
}

/** Options of `createBunTransport()`. */
export interface BunTransportOptions {
  /** HTTP or HTTPS proxy URL, credentials in the URL. SOCKS is refused (Bun cannot). */
  proxy?: string | URL;
  tls?: BunTlsOptions;
  /** Send every request over this unix domain socket. */
  socketPath?: string;
  /** The fetch to call (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
}

const capabilities: Capabilities = Object.freeze({
  manualRedirects: true,
  cookieHeaders: true,
  rawBody: true,
  streamingUpload: true,
  proxy: true,
  tls: true,
  unixSocket: true,
  http2: false,
  websocketHeaders: true,
  expectContinue: false,
});

type BunInit = RequestInit & {
  duplex?: 'half';
  decompress?: boolean;
  proxy?: string;
  unix?: string;
  tls?: { ca?: string[]; cert?: string; key?: string; rejectUnauthorized?: boolean; serverName?: string };
};

function streamDecoder(format: string): Decoder | undefined {
  if (typeof DecompressionStream !== 'function') return undefined;
  try {
    new DecompressionStream(format as CompressionFormat);
  } catch {
    return undefined;
  }
  return (encoded) =>
    encoded.pipeThrough(new DecompressionStream(format as CompressionFormat) as unknown as TransformStream<Uint8Array, Uint8Array>);
}

function decodersOf(): Readonly<Record<string, Decoder>> {
  const out: Record<string, Decoder> = {};
  const br = streamDecoder('brotli');
  if (br) out.br = br;
  const zstd = streamDecoder('zstd');
  if (zstd) out.zstd = zstd;
  return Object.freeze(out);
}

function fixedInit(options: BunTransportOptions): BunInit {
  const init: BunInit = { redirect: 'manual', decompress: false };
  if (options.proxy !== undefined && options.socketPath !== undefined)
    throw new InvalidOptionError('proxy', 'proxy: cannot be combined with socketPath');
  if (options.proxy !== undefined) {
    let url: URL;
    try {
      url = new URL(String(options.proxy));
    } catch (cause) {
      throw new InvalidOptionError('proxy', 'proxy: expected a URL (http: or https:)', { cause });
    }
    if (url.protocol.startsWith('socks'))
      throw new CapabilityError(
        'bun',
        'proxy.socks',
        `the bun transport cannot use a SOCKS proxy (${url.protocol}): Bun's fetch has no SOCKS support`,
      );
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InvalidOptionError('proxy', `proxy: unsupported proxy scheme ${url.protocol}`);
    init.proxy = url.href;
  }
  if (options.socketPath !== undefined) {
    if (typeof options.socketPath !== 'string' || options.socketPath === '')
      throw new InvalidOptionError('socketPath', 'socketPath: expected a path');
    init.unix = options.socketPath;
  }
  const tls = options.tls;
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) throw new InvalidOptionError('tls', 'tls: expected { ca, cert, key, verify, servername }');
    const out: NonNullable<BunInit['tls']> = {};
    for (const key of Object.keys(tls)) {
      if (!['ca', 'cert', 'key', 'verify', 'servername'].includes(key))
        throw new CapabilityError('bun', `tls.${key}`, `the bun transport cannot do tls.${key}`);
    }
    if (tls.ca !== undefined) out.ca = typeof tls.ca === 'string' ? [tls.ca] : [...tls.ca];
    if ((tls.cert === undefined) !== (tls.key === undefined))
      throw new InvalidOptionError('tls.cert', 'tls.cert: a client certificate needs both cert and key');
    if (tls.cert !== undefined) out.cert = tls.cert;
    if (tls.key !== undefined) out.key = tls.key;
    if (tls.verify !== undefined) out.rejectUnauthorized = tls.verify;
    if (tls.servername !== undefined) out.serverName = tls.servername;
    init.tls = out;
  }
  return init;
}

function bodyInit(body: RequestBody): { body: BodyInit; stream: boolean } {
  const { source } = body;
  if (typeof source === 'string' || source instanceof Uint8Array || source instanceof Blob)
    return { body: source as BodyInit, stream: false };
  return { body: streamOfBody(body), stream: true };
}

const connectCodes = new Set([
  'ECONNREFUSED',
  'ConnectionRefused',
  'FailedToOpenSocket',
  'ENOENT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Maps a Bun fetch rejection onto ferry's error tree. */
export function mapBunError(e: unknown, exchange: Exchange): unknown {
  const code = (e as { code?: unknown })?.code;
  const text = (e as Error)?.message ?? String(e);
  const init = { cause: e };
  const c = typeof code === 'string' ? code : '';
  if (/proxy/i.test(text) || /proxy/i.test(c)) return new ProxyError(describe(`proxy failed: ${text}`, exchange), undefined, init);
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(c)) return new TLSError(describe(`TLS: ${text}`, exchange), init);
  if (connectCodes.has(c) || /DNS|lookup/i.test(c)) return new ConnectError(describe(`cannot connect: ${text}`, exchange), init);
  return new TransportError(describe(c ? `${text} (${c})` : text, exchange), init);
}

/**
 * Creates the Bun transport. Throws InvalidOptionError / CapabilityError for options it
 * cannot honour, before any I/O.
 * @example
 * const client = createClient({ transport: createBunTransport({ proxy: 'http://127.0.0.1:3128' }) });
 */
export function createBunTransport(options: BunTransportOptions = {}): Transport {
  const base = fixedInit(options);
  const platformFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function send(request: Request, ctx: ExchangeContext): Promise<Response> {
    const parts = requestParts(request);
    const { url, method } = parts;
    const signal = ctx.signal;
    const exchange: Exchange = { method, url: url.href, signal };
    const init: BunInit = {
      ...base,
      method,
      headers: parts.headers instanceof Headers ? parts.headers : (parts.headers as [string, string][]),
    };
    if (parts.body) {
      const b = bodyInit(parts.body);
      init.body = b.body;
      if (b.stream) init.duplex = 'half';
    }
    // The request's own fetch fields, as the user set them: Bun's fetch ignores most, but
    // `keepalive: false` closes the connection after the response, as with Bun's own fetch.
    // Not integrity: Bun's fetch does not verify it, and core's integrity() checks the final
    // decoded body instead (Bun's would see the still-encoded bytes of each hop).
    applyFetchInit(init, ctx.options.fetchInit, 'integrity');
    if (signal) init.signal = signal;
    let res: Response;
    try {
      res = await platformFetch(url.href, init);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw mapBunError(e, exchange);
    }
    return new FerryResponse(res.body ? fetchSource(res, exchange) : null, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      url: url.href,
      request,
    });
  }

  return markReadsRequestParts({
    name: 'bun',
    capabilities,
    decoders: decodersOf(),
    send,
    websocket: (request, ctx, options) => nativeWebSocket(request, ctx, options, { headers: true }),
  });
}
