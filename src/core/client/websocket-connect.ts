/**
 * client.websocket(): the upgrade travels the client's own middleware chain (cookies, auth,
 * default headers, timeouts) with a terminal that upgrades instead of sending; the chain sees
 * the 101 (Set-Cookie is stored) or the refusal (a digest 401 is answered).
 * @module
 */
import { compile } from '../chain/compile.js';
import { takesLazyRequests } from '../message/reads-request-parts.js';
import { platformRequest } from '../message/request.js';
import { discardBody } from '../message/response-parts.js';
import { type FerryWebSocket, httpURLOf, type WebSocketOptions } from '../message/websocket.js';
import { prepareRequest } from '../options/prepare.js';
import type { EventRegistry } from '../steps/event-registry.js';
import type { ExchangeContext, FerryInit, Middleware, Next, ResolvedClientOptions, Transport, WebSocketConnectOptions } from '../types.js';
import { CapabilityError, describe, InvalidOptionError, WebSocketError } from '../util/errors.js';

const kSocket = 'websocket';

/** Builds `client.websocket` over the client's middleware instances. */
export function webSocketConnector(
  config: ResolvedClientOptions,
  transport: Transport,
  events: EventRegistry,
  middleware: readonly Middleware[],
): (url: string | URL, options?: WebSocketOptions) => Promise<FerryWebSocket> {
  let chain: Next | undefined;
  return async (url, options = {}) => {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'websocket options: expected an object');
    const href = String(url);
    if (!/^(wss?|https?):/i.test(href))
      throw new InvalidOptionError('url', `GET ${href}: a WebSocket URL must be ws:, wss:, http: or https:`);
    const connect = transport.websocket?.bind(transport);
    const lazyOk = takesLazyRequests(transport);
    if (!connect) throw new CapabilityError(transport.name, 'websocket');
    if (options.headers !== undefined && !transport.capabilities.websocketHeaders)
      throw new CapabilityError(
        transport.name,
        'websocketHeaders',
        `the ${transport.name} transport cannot put headers on a WebSocket upgrade`,
      );
    const protocols =
      options.protocols === undefined ? [] : typeof options.protocols === 'string' ? [options.protocols] : [...options.protocols];
    if (options.maxPayload !== undefined && (!Number.isInteger(options.maxPayload) || options.maxPayload <= 0))
      throw new InvalidOptionError('maxPayload', 'maxPayload: expected a positive integer');
    const init: FerryInit = { retry: false, redirect: 'manual' };
    if (options.headers !== undefined) init.headers = options.headers as NonNullable<FerryInit['headers']>;
    if (options.cookies !== undefined) init.cookies = options.cookies;
    if (options.auth !== undefined) init.auth = options.auth;
    if (options.signal !== undefined) init.signal = options.signal;
    if (options.timeout !== undefined) init.timeout = options.timeout;
    const prepared = prepareRequest(config, httpURLOf(href), init, 'GET');
    if (prepared.signal?.aborted) throw prepared.signal.reason;
    const wsOptions: WebSocketConnectOptions = {
      protocols,
      maxPayload: options.maxPayload,
      perMessageDeflate: options.perMessageDeflate,
      ...(options.handler ? { handler: options.handler } : {}),
    };
    chain ??= compile(middleware, async (request, ctx) => {
      try {
        const ws = await connect(lazyOk ? request : platformRequest(request), ctx, wsOptions);
        ctx.state[kSocket] = ws;
        return ws.response as Response;
      } catch (e) {
        // A refusal travels back up the chain as a response, so cookies are stored and an
        // auth challenge can be answered; the error is rethrown below if nothing did.
        const response = (e as WebSocketError).response;
        if (e instanceof WebSocketError && response) return response;
        throw e;
      }
    });
    const ctx: ExchangeContext = {
      options: prepared.options,
      signal: prepared.signal,
      events: events.dispatcher(prepared.options.on),
      transport,
      state: {},
    };
    const response = await chain(prepared.request, ctx);
    const ws = ctx.state[kSocket] as FerryWebSocket | undefined;
    if (ws && response.status === 101) return ws;
    ws?.close();
    discardBody(response);
    throw new WebSocketError(describe(`WebSocket upgrade refused: HTTP ${response.status}`, { method: 'GET', url: httpURLOf(href) }), {
      status: response.status,
      headers: response.headers,
    });
  };
}
