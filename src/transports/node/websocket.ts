/**
 * WebSocket upgrades on Node, built on `ws`. The upgrade's headers come from the request the
 * middleware chain built (cookies, auth, defaults); a non-101 answer rejects with a
 * WebSocketError carrying the response, so the chain can store cookies or answer a challenge.
 * @module
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import WebSocket, { type ClientOptions } from 'ws';
import {
  describe,
  type ExchangeContext,
  FerryResponse,
  FerryWebSocket,
  requestParts,
  type WebSocketConnectOptions,
  WebSocketError,
  webSocketFeed,
  wsURLOf,
} from '../../core/kit.js';
import { mapError } from './map-error.js';

/** How the socket is reached: an agent or connection factory (proxy, unix socket) and TLS options. */
export type WebSocketConnectVia = ConnectionOptions & {
  createConnection?: (options: unknown, done: (error: Error | null, socket?: Duplex) => void) => Duplex | undefined;
};

// ws writes these itself; sending ours too would duplicate or contradict them.
const ownedByWs = new Set([
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'host',
  'content-length',
  'accept-encoding',
]);

function headerRecord(headers: Headers | readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (k: string, v: string): void => {
    if (ownedByWs.has(k)) return;
    out[k] = out[k] === undefined ? v : `${out[k]}${k === 'cookie' ? '; ' : ', '}${v}`;
  };
  if (headers instanceof Headers) headers.forEach((v, k) => add(k, v));
  else for (const [k, v] of headers) add(k, v);
  return out;
}

const maxRefusalBody = 64 * 1024;

function refusal(res: IncomingMessage, request: Request, url: string): Promise<FerryResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      res.removeAllListeners('data');
      resolve(
        new FerryResponse(Buffer.concat(chunks), {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers as Record<string, string | string[]>,
          url,
          request,
        }),
      );
      res.destroy();
    };
    res.on('data', (c: Buffer) => {
      if (size < maxRefusalBody) chunks.push(c);
      size += c.length;
      if (size >= maxRefusalBody) done();
    });
    res.once('end', done);
    res.once('error', done);
  });
}

/**
 * Opens a WebSocket for `request` (an http(s) URL; mapped to ws(s)).
 * @example
 * const ws = await openWebSocket(request, ctx, { protocols: ['chat'] });
 */
export function openWebSocket(
  request: Request,
  ctx: ExchangeContext,
  options: WebSocketConnectOptions,
  via: WebSocketConnectVia = {},
): Promise<FerryWebSocket> {
  const parts = requestParts(request);
  const httpUrl = parts.url.href;
  const url = wsURLOf(httpUrl);
  const exchange = { method: 'GET', url: httpUrl };
  const wsOptions: ClientOptions = {
    ...(via as unknown as ClientOptions),
    headers: headerRecord(parts.headers),
    followRedirects: false,
    perMessageDeflate: options.perMessageDeflate ?? true,
    ...(options.maxPayload !== undefined ? { maxPayload: options.maxPayload } : {}),
    ...(ctx.options.timeout?.total !== undefined ? { handshakeTimeout: ctx.options.timeout.total } : {}),
  };
  const ws = new WebSocket(url, [...options.protocols], wsOptions);
  ws.binaryType = 'arraybuffer';
  const signal = ctx.signal;
  return new Promise<FerryWebSocket>((resolve, reject) => {
    let upgrade: IncomingMessage | undefined;
    let settled = false;
    const onAbort = (): void => {
      ws.terminate();
      settle(() => reject(signal?.reason));
    };
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('upgrade', (res: IncomingMessage) => (upgrade = res));
    ws.once('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
      void refusal(res, request, httpUrl).then((response) => {
        req.destroy();
        settle(() =>
          reject(
            new WebSocketError(describe(`WebSocket upgrade refused: HTTP ${response.status}`, exchange), {
              status: response.status,
              headers: response.headers,
              response,
            }),
          ),
        );
      });
    });
    ws.once('error', (e: Error) => settle(() => reject(mapError(e, exchange))));
    ws.once('open', () => {
      const response = new FerryResponse(null, {
        status: 101,
        statusText: upgrade?.statusMessage ?? 'Switching Protocols',
        headers: (upgrade?.headers ?? {}) as Record<string, string | string[]>,
        url: httpUrl,
        request,
      });
      const socket = new FerryWebSocket(wsURLOf(httpUrl), driverOf(ws), response, options.handler);
      const feed = webSocketFeed(socket);
      ws.on('message', (data: ArrayBuffer | Buffer, isBinary: boolean) =>
        feed.message(isBinary ? (data as ArrayBuffer) : Buffer.from(data as ArrayBuffer).toString()),
      );
      ws.on('close', (code: number, reason: Buffer) => feed.close(code, reason.toString(), code !== 1006));
      ws.on('error', (e: Error) => feed.error(mapError(e, exchange)));
      settle(() => {
        feed.open();
        resolve(socket);
      });
    });
  });
}

function driverOf(ws: WebSocket): ConstructorParameters<typeof FerryWebSocket>[1] {
  return {
    get protocol() {
      return ws.protocol;
    },
    get extensions() {
      return ws.extensions;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data) => {
      if (data instanceof Blob) void data.arrayBuffer().then((b) => ws.send(b));
      else ws.send(data as string | ArrayBuffer);
    },
    close: (code, reason) => ws.close(code, reason),
  };
}
