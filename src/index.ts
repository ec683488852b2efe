/**
 * @module ferry — the default package entry (browsers and other fetch runtimes): the core,
 * with the platform's fetch (the browser transport) as default. Every root entry
 * (index, index.node, index.deno, index.bun) exports the same names and shares one
 * `index.d.ts`; transport factories come from the subpaths (`ferry/browser`, `ferry/node` …).
 */
export * from './core/index.js';
export { createClient, fetch } from './transports/browser/index.js';
