/**
 * @module ferry/browser — the browser transport (globalThis.fetch).
 */
import type { Client, ClientOptions, FerryFetch } from '../../core/index.js';
import { createDefaultFetch, nodeOptionsFor, withDefaultTransport } from '../../core/kit.js';
import { createBrowserTransport } from './transport.js';

export { type BrowserTransportOptions, createBrowserTransport } from './transport.js';

/** Makes the browser transport; any `node` option is refused with a CapabilityError. */
export function browserTransportFor(options: ClientOptions): ReturnType<typeof createBrowserTransport> {
  nodeOptionsFor('browser', options.node, []);
  return createBrowserTransport();
}

/**
 * createClient() with the browser transport as default.
 * @example
 * const client = createClient({ baseURL: '/api/' });
 */
export const createClient: (options?: ClientOptions) => Client = withDefaultTransport(browserTransportFor);

/** A drop-in fetch on the browser transport. */
export const fetch: FerryFetch = createDefaultFetch(browserTransportFor);
