/**
 * @module ferry — the package entry for Node: the core, with the Node transport as default.
 * Same names as every root entry; `createNodeTransport` comes from `ferry/node`.
 */
export * from './core/index.js';
export { createClient, fetch } from './transports/node/index.js';
