/**
 * @module ferry/core — everything platform-neutral, without a default transport: the public
 * API (its `createClient` needs a `transport`) and the transport kit (`ferry/transport`).
 * It never imports tough-cookie, undici or ws: `cookies: true` needs `cookies: new CookieJar()`.
 */
export * from './core/index.js';
export * from './core/kit.js';
