/**
 * @module ferry — the package entry for Bun: the core, with the Bun transport as default.
 * It never imports the Node transport (Bun resolves a bare `import 'undici'` to a stub).
 * Same names as every root entry; `createBunTransport` comes from `ferry/bun`.
 */
export * from './core/index.js';
export { createClient, fetch } from './transports/bun/index.js';
