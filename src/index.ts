/**
 * @module ferry — the default package entry (browsers and other fetch runtimes): the core,
 * with the platform's fetch as transport.
 */
export * from './core/index.js';
export { type BrowserTransportOptions, createBrowserTransport, createClient, fetch } from './transports/browser/index.js';
