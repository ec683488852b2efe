/**
 * @module ferry/deno — the Deno transport (Deno's fetch + Deno.createHttpClient).
 */
import { CookieJar } from 'tough-cookie';
import type { Client, ClientOptions, FerryFetch } from '../../core/index.js';
import { createDefaultFetch, nodeOptionsFor, withDefaultTransport } from '../../core/kit.js';
import { createDenoTransport, type DenoTransportOptions } from './transport.js';

export type { DenoHttpClient, DenoTlsOptions } from './http-client.js';
export { createDenoTransport, type DenoTransportOptions } from './transport.js';

/** Makes the Deno transport from a client's options (`node.proxy`, `node.tls`, `node.socketPath` carry over). */
export function denoTransportFor(options: ClientOptions): ReturnType<typeof createDenoTransport> {
  return createDenoTransport(nodeOptionsFor('deno', options.node, ['proxy', 'tls', 'socketPath']) as DenoTransportOptions);
}

/**
 * createClient() with the Deno transport as default.
 * Cookies: a fresh tough-cookie jar per client unless `cookies` says otherwise.
 * @example
 * const client = createClient({ baseURL: 'http://127.0.0.1:8080/' });
 */
export const createClient: (options?: ClientOptions) => Client = withDefaultTransport(denoTransportFor, {
  createJar: () => new CookieJar(),
});

/** A drop-in fetch on the Deno transport, with fetch's defaults (no cookie jar). */
export const fetch: FerryFetch = createDefaultFetch(denoTransportFor);
