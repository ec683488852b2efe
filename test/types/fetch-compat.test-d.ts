/**
 * Type test (checked by `tsc -p tsconfig.json`, never run): a client's `fetch`, and every
 * entry's default `fetch`, is assignable to `typeof globalThis.fetch`, so it can be handed to
 * SDKs that take a custom fetch; what it resolves to is a Response.
 */
import type { Client, FerryResponse } from '../../src/core/index.js';
import { fetch as bunFetch } from '../../src/index.bun.js';
import { fetch as denoFetch } from '../../src/index.deno.js';
import { createClient, fetch } from '../../src/index.js';
import { fetch as nodeFetch } from '../../src/index.node.js';

type PlatformFetch = typeof globalThis.fetch;

declare const client: Client;

export const fromClient: PlatformFetch = client.fetch;
export const fromEntries: PlatformFetch[] = [fetch, nodeFetch, denoFetch, bunFetch, createClient().fetch];

/** The usual SDK option shape. */
interface SdkOptions {
  fetch?: PlatformFetch;
}
export const sdk: SdkOptions = { fetch: client.fetch };

// Whatever fetch accepts, the client's fetch accepts.
export async function calls(init: RequestInit, request: Request): Promise<Response[]> {
  const a: FerryResponse = await client.fetch('http://127.0.0.1/', init);
  const b: Response = await client.fetch(request);
  const c: Response = await client.fetch(new URL('http://127.0.0.1/'), { method: 'POST', body: new Blob(['x']), signal: null });
  return [a, b, c];
}

// ferry's extras are typed, not `any`.
export async function extras(): Promise<void> {
  const res = await client.fetch('http://127.0.0.1/', { json: { a: 1 }, params: { page: 2 }, timeout: 1000 });
  const history: readonly FerryResponse[] = res.history;
  void history;
  // @ts-expect-error: timeout must be a number or phases, not a string
  await client.fetch('http://127.0.0.1/', { timeout: 'soon' });
}
