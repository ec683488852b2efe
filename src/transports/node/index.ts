/**
 * @module ferry/node — the Node transport (undici): pools, proxies (HTTP, CONNECT, SOCKS5, env), TLS policy, unix sockets, HTTP/2, streaming both ways, typed errors.
 */
import { CookieJar } from 'tough-cookie';
import type { Client, ClientOptions, FerryFetch } from '../../core/index.js';
import { createDefaultFetch, withDefaultTransport } from '../../core/kit.js';
import type { NodeTransportOptions } from './node-options.js';
import { createNodeTransport } from './transport.js';

export type {
  NodeConnector,
  NodePoolStats,
  NodeProxyOption,
  NodeTlsOptions,
  NodeTlsPolicy,
  NodeTransportOptions,
} from './node-options.js';
export { createNodeTransport, type NodeTransport } from './transport.js';

/** JSON bodies as pooled Buffers: off the JS heap while in flight, sent by undici as they are. */
function encodeText(text: string): Uint8Array {
  return Buffer.from(text);
}

/** Makes the Node transport from a client's `node` options. */
export function nodeTransportFor(options: ClientOptions): ReturnType<typeof createNodeTransport> {
  return createNodeTransport((options.node ?? {}) as NodeTransportOptions);
}

/**
 * createClient() with the Node transport as default.
 * Cookies: a fresh tough-cookie jar per client unless `cookies` says otherwise.
 * @example
 * const client = createClient({ baseURL: 'http://127.0.0.1:3000/', node: { connections: 20 } });
 */
export const createClient: (options?: ClientOptions) => Client = withDefaultTransport(nodeTransportFor, {
  createJar: () => new CookieJar(),
  encodeText,
});

/** A drop-in fetch on the Node transport, with fetch's defaults (no cookie jar). */
export const fetch: FerryFetch = createDefaultFetch(nodeTransportFor, { encodeText });
