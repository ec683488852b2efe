/**
 * @module ferry — the package entry for Node: the core, with the Node transport as default.
 */
export * from './core/index.js';
export { createClient, createNodeTransport, fetch, type NodeTransportOptions } from './transports/node/index.js';
