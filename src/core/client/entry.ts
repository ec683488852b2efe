/**
 * What the package entries build their `createClient` and `fetch` exports with.
 * @module
 */
import type { FerryResponse } from '../message/response.js';
import type { ClientOptions, FerryInit } from '../types.js';
import { type Client, type ClientDefaults, createClient, type FerryFetch, type TransportFactory } from './client.js';

/**
 * Binds a default transport factory (and the entry's defaults, such as the jar factory): what
 * the package entries export as `createClient`.
 * @example
 * export const createClient = withDefaultTransport(createNodeTransport, { createJar: () => new CookieJar() });
 */
export function withDefaultTransport(make: TransportFactory, defaults?: ClientDefaults): (options?: ClientOptions) => Client {
  return (options = {}) => createClient(options, make, defaults);
}

/** The options of the `fetch` export's client: where they differ from `createClient`'s defaults, fetch's. */
const fetchDefaults: ClientOptions = Object.freeze({ cookies: false, retry: false });

/**
 * A drop-in `fetch` over a lazily created default client with fetch's defaults: no cookie
 * jar and no retries (an SDK that retries by itself must not see its retries stacked on
 * ferry's). `fetch.name === 'fetch'`, `fetch.length === 1`.
 */
export function createDefaultFetch(make: TransportFactory, defaults?: Pick<ClientDefaults, 'encodeText'>): FerryFetch {
  let client: Client | undefined;
  return {
    fetch(input: RequestInfo | URL, init: FerryInit | undefined = undefined): Promise<FerryResponse> {
      try {
        client ??= createClient(fetchDefaults, make, { ...defaults, cookies: false });
      } catch (e) {
        return Promise.reject(e);
      }
      return client.fetch(input, init);
    },
  }.fetch as FerryFetch;
}
