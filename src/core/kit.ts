/**
 * @module ferry/transport — what custom transports, steps and package entries need, beyond
 * the public API: reading and deriving ferry's lazy requests and responses without building
 * WHATWG objects, bodies, the built-in steps and the chain they compile into, the helpers the
 * fetch-based transports share, and the error tree. docs/transports.md and docs/steps.md
 * say how to use them.
 */
export { basicCredentials } from './auth/basic.js';
export { oauthEncode, signatureBaseString } from './auth/oauth1-sign.js';
export { sendBelowAuth } from './auth/scheme.js';
export { compile, compile as compose } from './chain/compile.js';
export { type DefaultStepsOptions, defaultSteps } from './chain/default-steps.js';
export { type ClientDefaults, createClient, type TransportFactory } from './client/client.js';
export { createDefaultFetch, withDefaultTransport } from './client/entry.js';
export {
  bodyFromForm,
  bodyFromInput,
  bodyFromJson,
  isReplayable,
  multipart,
  type RequestBody,
  streamOfBody,
  utf8Length,
} from './message/body.js';
export { applyFetchInit, type FetchInitFields, fetchInitKeys, resolveFetchInit } from './message/fetch-init.js';
export { bodyFailure, type FetchExchange, fetchSource, mappedStream } from './message/fetch-source.js';
export { markReadsRequestParts, readsRequestParts, takesLazyRequests, transportSender } from './message/reads-request-parts.js';
export { createRequest, FerryRequest, lazyRequests, type RequestFields } from './message/request.js';
export {
  deriveRequest,
  headerList,
  type RequestChanges,
  type RequestParts,
  requestParts,
  signalOfRequest,
} from './message/request-parts.js';
export { FerryResponse } from './message/response.js';
export { deriveResponse, discardBody, responseHeader, responseSetCookies, takeBody } from './message/response-parts.js';
export type { Completeness, FerryResponseInit, RawHeaders, ResponseSource } from './message/response-types.js';
export { type BodyWatch, watchBody } from './message/watch-body.js';
export {
  FerryWebSocket,
  httpURLOf,
  type WebSocketDriver,
  type WebSocketFeed,
  type WebSocketHandler,
  type WebSocketMessage,
  webSocketFeed,
  wsURLOf,
} from './message/websocket.js';
export { nativeWebSocket } from './message/websocket-native.js';
export { defaultOptions } from './options/resolve.js';
export { auth } from './steps/auth.js';
export { cookies } from './steps/cookies.js';
export { acceptEncodingFor, type DecompressOptions, decodersFor, decompress } from './steps/decompress.js';
export { EventRegistry } from './steps/event-registry.js';
export { events, processedEvents, withProcessedEvents } from './steps/events.js';
export { integrity } from './steps/integrity.js';
export { type RedirectStep, redirectStep, redirects, sameCredentialScope } from './steps/redirects.js';
export { parseRetryAfter, retry } from './steps/retry.js';
export { defineStep, type StepParts } from './steps/step.js';
export { hopTimeouts, timeout } from './steps/timeout.js';
export { deflateDecoder, webDecoders } from './steps/web-decoders.js';
export type {
  Capabilities,
  Decoder,
  EventDispatcher,
  ExchangeContext,
  ListenerMap,
  Middleware,
  Next,
  ResolvedClientOptions,
  ResolvedOptions,
  ResolvedRetry,
  Step,
  StepAfter,
  StepFailed,
  Transport,
  WebSocketConnectOptions,
} from './types.js';
// The whole error tree, `describe()` and `scrubUrl()` (the root exports the classes and guards).
export * from './util/errors.js';
export { eventNames } from './util/event-names.js';
export { checkHeader, type HeaderList, type HeadersInput, headerValue, mergeHeaders, normaliseHeaders } from './util/headers.js';
export { type IntegrityAlgorithm, type IntegrityItem, matchIntegrity, parseIntegrity } from './util/match-integrity.js';
export { nodeOptionsFor } from './util/node-options-for.js';
export type { ParamList, ParamsInput } from './util/params.js';
