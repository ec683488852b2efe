/**
 * @module ferry — the public API, what every root entry exports (each adds its runtime's
 * `fetch` and a `createClient` with that runtime's transport as default). This `createClient`
 * needs a `transport`.
 *
 * Deliberately not here: what custom transports and steps need (`requestParts`,
 * `deriveRequest`, `defineStep`, `compile`, the built-in steps, body and response helpers …),
 * which `ferry/transport` exports (src/core/kit.ts), and ferry's internals, which no entry
 * exports. The committed API report (api-report.md) pins every entry's names.
 */
export { basicAuth } from './auth/basic.js';
export { bearer, type TokenSource } from './auth/bearer.js';
export { type DigestOptions, digestAuth } from './auth/digest.js';
export { type OAuth1Options, oauth1 } from './auth/oauth1.js';
export type { OAuth1SignatureMethod } from './auth/oauth1-sign.js';
export { type OAuth2Grant, type OAuth2Options, type OAuth2Scheme, oauth2 } from './auth/oauth2.js';
export type { ClientAuthMethod, OAuth2Token } from './auth/oauth2-token.js';
export { type AuthorizeRequest, type AuthorizeUrlOptions, buildAuthorizeUrl, createPkcePair, type PkcePair } from './auth/pkce.js';
export type { SchemeScope } from './auth/scheme.js';
export { type Client, createClient, type FerryFetch, type RequestOptions } from './client/client.js';
export type { BodyInput, FileInput, FilesInput, FormInput } from './message/body.js';
export { FerryResponse } from './message/response.js';
export type { Completeness } from './message/response-types.js';
export { FerryWebSocket, type WebSocketHandler, type WebSocketMessage, type WebSocketOptions } from './message/websocket.js';
export type {
  AuthFlow,
  AuthScheme,
  BackoffInput,
  Capabilities,
  ClientOptions,
  EventListeners,
  EventName,
  ExchangeContext,
  FerryInit,
  FerryRequestOptions,
  Middleware,
  Next,
  Progress,
  RedirectMode,
  RedirectPolicy,
  RetryInfo,
  RetryOptions,
  SharedOptions,
  TimeoutOptions,
  Transport,
} from './types.js';
export {
  AuthError,
  CapabilityError,
  ConnectError,
  DecodingError,
  FerryError,
  type FerryErrorInit,
  HTTPStatusError,
  IntegrityError,
  InvalidOptionError,
  isFerryError,
  isTimeoutError,
  isTransportError,
  ProxyError,
  RedirectError,
  ResponseTruncatedError,
  StreamConsumedError,
  TimeoutError,
  type TimeoutPhase,
  TLSError,
  TooManyRedirectsError,
  TransportError,
  WebSocketError,
} from './util/errors.js';
export type { HeadersInput } from './util/headers.js';
export type { ParamsInput } from './util/params.js';
