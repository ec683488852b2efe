/**
 * @module ferry/core — the platform-neutral core: client, middleware chain, transport
 * interface, bodies, responses and errors. Web standards only.
 */
export { basicAuth, basicCredentials } from './auth/basic.js';
export { bearer, type TokenSource } from './auth/bearer.js';
export { type DigestOptions, digestAuth } from './auth/digest.js';
export { auth, sendBelowAuth } from './auth/middleware.js';
export { type OAuth1Options, type OAuth1SignatureMethod, oauth1 } from './auth/oauth1.js';
export { oauthEncode, signatureBaseString } from './auth/oauth1-sign.js';
export { type ClientAuthMethod, type OAuth2Grant, type OAuth2Options, type OAuth2Scheme, type OAuth2Token, oauth2 } from './auth/oauth2.js';
export { type AuthorizeRequest, type AuthorizeUrlOptions, buildAuthorizeUrl, createPkcePair, type PkcePair } from './auth/pkce.js';
export type { AuthFlow, AuthScheme, SchemeScope } from './auth/scheme.js';
export {
  type BodyInput,
  bodyFromForm,
  bodyFromInput,
  bodyFromJson,
  type FileInput,
  type FilesInput,
  type FormInput,
  isReplayable,
  multipart,
  type RequestBody,
  streamOfBody,
  utf8Length,
} from './body.js';
export {
  type Client,
  type ClientDefaults,
  type ClientInternals,
  createClient,
  createDefaultFetch,
  type FerryFetch,
  type RequestOptions,
  type TransportFactory,
  withDefaultTransport,
} from './client.js';
export type { ExchangeContext } from './context.js';
export type { Decoder } from './decoder.js';
export * from './errors.js';
export {
  type EventDispatcher,
  type EventListeners,
  type EventName,
  EventRegistry,
  eventNames,
  type ListenerMap,
  type Progress,
  type RetryInfo,
} from './events.js';
export { applyFetchInit, type FetchInitFields, fetchInitKeys, resolveFetchInit } from './fetch-init.js';
export { bodyFailure, type FetchExchange, fetchSource, mappedStream } from './fetch-source.js';
export { checkHeader, type HeaderList, type HeadersInput, headerValue, mergeHeaders, normaliseHeaders } from './headers.js';
export { type IntegrityAlgorithm, type IntegrityItem, matchIntegrity, parseIntegrity } from './match-integrity.js';
export { cookies } from './middleware/cookies.js';
export { acceptEncodingFor, decompress } from './middleware/decompress.js';
export { events, processedEvents, withProcessedEvents } from './middleware/events.js';
export { integrity } from './middleware/integrity.js';
export { type RedirectStep, redirectStep, redirects, sameCredentialScope } from './middleware/redirects.js';
export { parseRetryAfter, retry } from './middleware/retry.js';
export { hopTimeouts, timeout } from './middleware/timeout.js';
export { type BodyWatch, watchBody } from './middleware/watch-body.js';
export { deflateDecoder, webDecoders } from './middleware/web-decoders.js';
export { compose, type Middleware, type Next } from './middleware.js';
export { nodeOptionsFor } from './node-options-for.js';
export {
  type BackoffInput,
  type ClientOptions,
  defaultOptions,
  type FerryInit,
  type FerryRequestOptions,
  type RedirectMode,
  type RedirectPolicy,
  type ResolvedClientOptions,
  type ResolvedOptions,
  type ResolvedRetry,
  type RetryOptions,
  type SharedOptions,
  type TimeoutOptions,
} from './options.js';
export type { ParamList, ParamsInput } from './params.js';
export {
  createRequest,
  deriveRequest,
  FerryRequest,
  headerList,
  lazyRequests,
  type RequestChanges,
  type RequestFields,
  type RequestParts,
  requestParts,
  signalOfRequest,
} from './request.js';
export {
  type Completeness,
  deriveResponse,
  discardBody,
  FerryResponse,
  type FerryResponseInit,
  type RawHeaders,
  type ResponseSource,
  responseHeader,
  responseSetCookies,
  takeBody,
} from './response.js';
export {
  type Capabilities,
  markReadsRequestParts,
  readsRequestParts,
  type Transport,
  type WebSocketConnectOptions,
} from './transport.js';
export {
  FerryWebSocket,
  httpURLOf,
  type WebSocketDriver,
  type WebSocketFeed,
  type WebSocketHandler,
  type WebSocketMessage,
  type WebSocketOptions,
  webSocketFeed,
  wsURLOf,
} from './websocket.js';
export { nativeWebSocket } from './websocket-native.js';
