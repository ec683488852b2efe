/**
 * @module ferry/bun — the Bun transport (Bun's fetch with `decompress: false`, proxy, tls, unix).
 */
import { CookieJar } from 'tough-cookie';
import type { Client, ClientOptions, FerryFetch } from '../../core/index.js';
import { createDefaultFetch, nodeOptionsFor, withDefaultTransport } from '../../core/kit.js';
import { type BunTransportOptions, createBunTransport } from './transport.js';

export { type BunTlsOptions, type BunTransportOptions, createBunTransport } from './transport.js';

/** Makes the Bun transport from a client's options (`node.proxy`, `node.tls`, `node.socketPath` carry over). */
export function bunTransportFor(options: ClientOptions): ReturnType<typeof createBunTransport> {
  return createBunTransport(nodeOptionsFor('bun', options.node, ['proxy', 'tls', 'socketPath']) as BunTransportOptions);
}

/**
 * createClient() with the Bun transport as default.
 * Cookies: a fresh tough-cookie jar per client unless `cookies` says otherwise.
 * @example
 * const client = createClient({ baseURL: 'http://127.0.0.1:8080/' });
 */
export const createClient: (options?: ClientOptions) => Client = withDefaultTransport(bunTransportFor, {
  createJar: () => new CookieJar(),
});

/** A drop-in fetch on the Bun transport, with fetch's defaults (no cookie jar). */
export const fetch: FerryFetch = createDefaultFetch(bunTransportFor);
