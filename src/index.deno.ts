/**
 * @module ferry — the package entry for Deno: the core, with the Deno transport as default.
 * Same names as every root entry; `createDenoTransport` comes from `ferry/deno`.
 */
export * from './core/index.js';
export { createClient, fetch } from './transports/deno/index.js';
