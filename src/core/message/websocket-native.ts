/**
 * A FerryWebSocket over the runtime's own `WebSocket` (browser, Deno, Bun). Deno and Bun take
 * headers through a non-standard second argument `{ protocols, headers }`; a browser takes
 * none (explicit headers are refused earlier with a CapabilityError, cookies ride with the
 * browser's own jar). Native sockets do not expose a refused upgrade's status: a refusal
 * rejects with a WebSocketError without `status`, and says so.
 * @module
 */
import type { ExchangeContext, WebSocketConnectOptions } from '../types.js';
import { describe, WebSocketError } from '../util/errors.js';
import { requestParts } from './request-parts.js';
import { FerryResponse } from './response.js';
import { FerryWebSocket, webSocketFeed, wsURLOf } from './websocket.js';

type NativeCtor = new (
  url: string,
  protocolsOrOptions?: string | string[] | { protocols?: string[]; headers?: Record<string, string> },
) => WebSocket;

/**
 * Opens a WebSocket with the platform's constructor.
 * @example
 * websocket: (request, ctx, options) => nativeWebSocket(request, ctx, options, { headers: true })
 */
export function nativeWebSocket(
  request: Request,
  ctx: ExchangeContext,
  options: WebSocketConnectOptions,
  support: { headers: boolean },
): Promise<FerryWebSocket> {
  const Native = (globalThis as { WebSocket?: NativeCtor }).WebSocket;
  const parts = requestParts(request);
  const httpUrl = parts.url.href;
  const exchange = { method: 'GET', url: httpUrl };
  if (!Native) return Promise.reject(new WebSocketError(describe('this runtime has no WebSocket', exchange)));
  const protocols = [...options.protocols];
  let socket: WebSocket;
  if (support.headers) {
    const headers: Record<string, string> = {};
    const add = (k: string, v: string): void => {
      if (k === 'host' || k === 'connection' || k === 'upgrade' || k.startsWith('sec-websocket-') || k === 'accept-encoding') return;
      headers[k] = headers[k] === undefined ? v : `${headers[k]}${k === 'cookie' ? '; ' : ', '}${v}`;
    };
    if (parts.headers instanceof Headers) parts.headers.forEach((v, k) => add(k, v));
    else for (const [k, v] of parts.headers) add(k, v);
    socket = new Native(wsURLOf(httpUrl), { protocols, headers });
  } else {
    socket = new Native(wsURLOf(httpUrl), protocols);
  }
  socket.binaryType = 'arraybuffer';
  const signal = ctx.signal;
  return new Promise((resolve, reject) => {
    let opened = false;
    const onAbort = (): void => {
      socket.close();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const fws = new FerryWebSocket(
      wsURLOf(httpUrl),
      {
        get protocol() {
          return socket.protocol;
        },
        get extensions() {
          return socket.extensions;
        },
        get bufferedAmount() {
          return socket.bufferedAmount;
        },
        send: (data) => socket.send(data as string),
        close: (code, reason) => socket.close(code, reason),
      },
      new FerryResponse(null, { status: 101, statusText: 'Switching Protocols', url: httpUrl, request }),
      options.handler,
    );
    const feed = webSocketFeed(fws);
    socket.addEventListener('open', () => {
      opened = true;
      signal?.removeEventListener('abort', onAbort);
      feed.open();
      resolve(fws);
    });
    socket.addEventListener('message', (ev) => {
      const data = (ev as MessageEvent).data as string | ArrayBuffer;
      if (options.maxPayload !== undefined && (typeof data === 'string' ? data.length : data.byteLength) > options.maxPayload) {
        socket.close(1009, 'message too big');
        return;
      }
      feed.message(data);
    });
    socket.addEventListener('close', (ev) => {
      const { code, reason, wasClean } = ev as CloseEvent;
      if (!opened) {
        signal?.removeEventListener('abort', onAbort);
        reject(
          new WebSocketError(describe(`WebSocket upgrade failed (code ${code}; this runtime does not expose the HTTP status)`, exchange)),
        );
        return;
      }
      feed.close(code, reason, wasClean);
    });
    socket.addEventListener('error', () => {
      if (opened) feed.error(new WebSocketError(describe('WebSocket error', exchange)));
    });
  });
}
