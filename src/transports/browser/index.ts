/**
 * @module ferry/browser — the browser transport (globalThis.fetch).
 */
import { type Client, type ClientOptions, createDefaultFetch, type FerryFetch, withDefaultTransport } from '../../core/index.js';
import { createBrowserTransport } from './transport.js';

export { type BrowserTransportOptions, createBrowserTransport } from './transport.js';

const make = (): ReturnType<typeof createBrowserTransport> => createBrowserTransport();

/** createClient() with the browser transport as default. */
export const createClient: (options?: ClientOptions) => Client = withDefaultTransport(make);

/** A drop-in fetch on the browser transport. */
export const fetch: FerryFetch = createDefaultFetch(make);
