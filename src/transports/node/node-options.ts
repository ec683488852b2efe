/**
 * Options of the Node transport (`createNodeTransport({…})` or `createClient({ node: {…} })`).
 * @module
 */
import type { buildConnector, Dispatcher } from 'undici';

/**
 * TLS settings for connections to a server (or to an `https://` proxy).
 * @example
 * const tls: NodeTlsOptions = { verify: '/etc/ssl/internal-ca.pem', minVersion: 'TLSv1.2' };
 */
export interface NodeTlsOptions {
  /**
   * Certificate verification: `true` (default, Node's trust store), `false` (no verification:
   * tests only), a PEM string/Buffer of trusted CAs, or the path of a CA bundle file or of a
   * directory of PEM files.
   */
  verify?: boolean | string | Uint8Array;
  /** Trusted CA certificates (PEM), replacing Node's trust store. */
  ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Client certificate chain (PEM) for mutual TLS. */
  cert?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Private key (PEM) of the client certificate. */
  key?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** SNI name and the name the certificate is checked against (default: the URL's host). */
  servername?: string;
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  /** OpenSSL cipher list. */
  ciphers?: string;
  /** Replaces Node's host name check: return an Error to refuse the certificate. */
  checkServerIdentity?: (host: string, cert: unknown) => Error | undefined;
}

/**
 * TLS for every https origin, or a per-host policy like Twisted's `creatorForNetloc`.
 * @example
 * const policy: NodeTlsPolicy = (host) => (host === 'internal.test' ? { verify: internalCaPem } : {});
 */
export type NodeTlsPolicy = NodeTlsOptions | ((host: string, port: number) => NodeTlsOptions | null | undefined);

/**
 * A proxy URL (`http:`, `https:`, `socks5:`, `socks5h:`; credentials in it), or a choice per
 * request (null or '' for a direct connection).
 * @example
 * const proxy: NodeProxyOption = (url) => (url.hostname.endsWith('.internal') ? null : 'http://user:pass@proxy.local:3128');
 */
export type NodeProxyOption = string | URL | ((url: URL) => string | URL | null | undefined);

/**
 * A custom endpoint: undici's connector signature (`(options, callback) => void`).
 * @example
 * const connect: NodeConnector = (opts, callback) => {
 *   const socket = net.connect('/run/app.sock');
 *   socket.once('connect', () => callback(null, socket)).once('error', (e) => callback(e, null));
 * };
 */
export type NodeConnector = buildConnector.connector;

/**
 * Pool statistics of one origin (or of one proxy, for requests forwarded in absolute form).
 * @example
 * const { open, busy, idle, queued } = transport.stats()['https://api.example'] ?? {};
 */
export interface NodePoolStats {
  /** Open connections. */
  readonly open: number;
  /** Connections carrying a request. */
  readonly busy: number;
  /** Connections kept alive, waiting for a request. */
  readonly idle: number;
  /** Requests waiting for a connection. */
  readonly queued: number;
}

/**
 * Options of `createNodeTransport()` (also `createClient({ node: {…} })`).
 * @example
 * const transport = createNodeTransport({
 *   connections: 20,
 *   proxyFromEnv: true,
 *   tls: (host) => (host === 'internal.example' ? { verify: '/etc/ssl/internal-ca.pem' } : {}),
 *   allowH2: true,
 * });
 */
export interface NodeTransportOptions {
  /** Connections per origin (default 10). */
  connections?: number;
  /** Idle pooled socket lifetime in ms (default 4000). */
  keepAliveTimeout?: number;
  /**
   * Retries an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) with a replayable
   * body once when it failed on a reused keep-alive socket the server had closed (default true).
   */
  retryOnStaleConnection?: boolean;
  /** Negotiates HTTP/2 by ALPN on https origins (default false: HTTP/1.1). */
  allowH2?: boolean;
  /** A proxy for every request, or a function choosing one per request URL (null: direct). */
  proxy?: NodeProxyOption;
  /** Reads HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (lower-case names first) when no `proxy` is given. */
  proxyFromEnv?: boolean;
  /** Hosts never proxied (NO_PROXY syntax), on top of the environment's when `proxyFromEnv`. */
  noProxy?: string | readonly string[];
  /** `http:` proxies CONNECT-tunnel http targets too, instead of forwarding them in absolute form. */
  tunnel?: boolean;
  /** TLS settings for the connection to an `https://` proxy. */
  proxyTls?: NodeTlsOptions;
  /** TLS settings for every https origin, or a per-host policy function. */
  tls?: NodeTlsPolicy;
  /** A unix domain socket for every request, or one per origin (`{ 'http://api.local': '/run/api.sock' }`). */
  socketPath?: string | Readonly<Record<string, string>>;
  /** A custom connector (undici's `connect` signature) for pre-opened sockets, tunnels, … (direct routes; proxied ones go through the proxy). */
  connect?: NodeConnector;
  /** Bring your own undici dispatcher (its pooling, proxy and TLS settings then apply). */
  dispatcher?: Dispatcher;
}
