/**
 * WebSocket mocking with msw's `ws` API: `ws.link(url).addEventListener('connection', …)`
 * handlers get a client connection whose messages are the FerryWebSocket's, without patching
 * the global `WebSocket`. The connection objects are built here, shaped as msw expects, so
 * nothing beyond msw itself is imported. There is no real server behind a mocked socket:
 * `server.connect()` throws.
 * @module
 */
import {
  describe,
  type ExchangeContext,
  FerryResponse,
  FerryWebSocket,
  TransportError,
  type WebSocketConnectOptions,
  type WebSocketMessage,
  webSocketFeed,
} from '../../core/kit.js';

/** An msw WebSocket handler (what `ws.link(url).addEventListener('connection', fn)` returns). */
export interface MswWebSocketHandler {
  readonly kind: 'websocket';
  run(connection: MockConnection): Promise<unknown>;
}

/** What msw hands to a `connection` listener, built by the mock transport. */
interface MockConnection {
  readonly client: MockClientConnection;
  readonly server: MockServerConnection;
  readonly info: { readonly protocols: string | string[] | undefined };
}

type Data = string | ArrayBufferLike | ArrayBufferView | Blob;

function closeEvent(code: number, reason: string, wasClean: boolean): Event {
  return typeof CloseEvent === 'function'
    ? new CloseEvent('close', { code, reason, wasClean })
    : Object.assign(new Event('close'), { code, reason, wasClean });
}

async function toMessage(data: Data): Promise<WebSocketMessage> {
  if (typeof data === 'string') return data;
  if (data instanceof Blob) return data.arrayBuffer();
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer;
  return new Uint8Array(data).slice().buffer;
}

/** The mocked client side msw's handlers talk to (msw's `WebSocketClientConnection` shape). */
class MockClientConnection {
  readonly id: string = crypto.randomUUID();
  readonly url: URL;
  readonly #events = new EventTarget();
  readonly #toClient: (data: Data) => void;
  readonly #closeClient: (code: number, reason: string) => void;

  constructor(url: string, toClient: (data: Data) => void, closeClient: (code: number, reason: string) => void) {
    this.url = new URL(url);
    this.#toClient = toClient;
    this.#closeClient = closeClient;
  }
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: AddEventListenerOptions | boolean): void {
    this.#events.addEventListener(type, listener, options);
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: EventListenerOptions | boolean): void {
    this.#events.removeEventListener(type, listener, options);
  }
  /** Sends `data` to the FerryWebSocket (a `message` there). */
  send(data: Data): void {
    this.#toClient(data);
  }
  /** Closes the FerryWebSocket (its `close` event, `code` default 1000). */
  close(code = 1000, reason = ''): void {
    this.#closeClient(code, reason);
  }
  /** @internal what the FerryWebSocket sent or did */
  dispatch(event: Event): void {
    this.#events.dispatchEvent(event);
  }
}

/** The "original server" side: there is none behind the mock. */
class MockServerConnection {
  readonly #events = new EventTarget();
  readonly #url: string;
  constructor(url: string) {
    this.#url = url;
  }
  connect(): void {
    throw new TransportError(describe('the mock transport has no real WebSocket server to connect to', { method: 'GET', url: this.#url }));
  }
  send(): void {
    this.connect();
  }
  close(): void {}
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: AddEventListenerOptions | boolean): void {
    this.#events.addEventListener(type, listener, options);
  }
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: EventListenerOptions | boolean): void {
    this.#events.removeEventListener(type, listener, options);
  }
}

/** Resolves on a later task: what arrives "from the network" never beats the caller's next line. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function wsUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/i, 'ws');
}

/**
 * Offers a mocked WebSocket to msw `ws` handlers in order; the first one whose URL matches
 * takes it. Resolves to undefined when none matched.
 */
export async function connectMockWebSocket(
  handlers: readonly MswWebSocketHandler[],
  request: Request,
  ctx: ExchangeContext,
  options: WebSocketConnectOptions,
): Promise<FerryWebSocket | undefined> {
  if (ctx.signal?.aborted) throw ctx.signal.reason;
  const url = wsUrl(request.url);
  let socket: FerryWebSocket | undefined;
  let open = false;
  let closed = false;
  let closing = { code: 1000, reason: '' };
  const pending: Data[] = [];
  // Messages reach the socket in order, after it opened, each on a later task (as from a network).
  let delivery: Promise<void> = Promise.resolve();
  const deliver = (data: Data): void => {
    delivery = delivery.then(async () => {
      const message = await toMessage(data);
      await nextTask();
      if (socket) webSocketFeed(socket).message(message);
    });
  };
  const finish = (code: number, reason: string, byClient: boolean): void => {
    if (closed) return;
    closed = true;
    if (!byClient) client.dispatch(closeEvent(code, reason, true));
    closing = { code, reason };
    // Before the socket opened, the close is delivered after the pending messages (below).
    if (open) delivery = delivery.then(nextTask).then(() => socket && webSocketFeed(socket).close(code, reason, true));
  };
  const client = new MockClientConnection(
    url,
    (data) => {
      if (closed) return; // the standard drops sends after close
      if (open) deliver(data);
      else pending.push(data);
    },
    (code, reason) => finish(code, reason, false),
  );
  const server = new MockServerConnection(url);
  const protocols = [...options.protocols];
  const connection: MockConnection = { client, server, info: { protocols: protocols.length ? protocols : undefined } };

  let matched = false;
  for (const handler of handlers) {
    if ((await handler.run(connection)) != null) {
      matched = true;
      break;
    }
  }
  if (!matched) return undefined;

  const protocol = protocols[0] ?? '';
  const headers: Record<string, string> = { upgrade: 'websocket', connection: 'Upgrade' };
  if (protocol) headers['sec-websocket-protocol'] = protocol;
  const response = new FerryResponse(null, { status: 101, statusText: 'Switching Protocols', headers, url: request.url, request });
  socket = new FerryWebSocket(
    url,
    {
      protocol,
      extensions: '',
      bufferedAmount: 0,
      send: (data) => {
        if (closed) return;
        const message = new MessageEvent('message', { data, cancelable: true });
        queueMicrotask(() => client.dispatch(message));
      },
      close: (code, reason) => {
        const c = code ?? 1005;
        const r = reason ?? '';
        if (!closed) queueMicrotask(() => client.dispatch(closeEvent(c, r, true)));
        finish(c, r, true);
      },
    },
    response,
    options.handler,
  );
  webSocketFeed(socket).open();
  open = true;
  for (const data of pending.splice(0)) deliver(data);
  if (closed) {
    const s = socket;
    const { code, reason } = closing;
    delivery = delivery.then(nextTask).then(() => webSocketFeed(s).close(code, reason, true));
  }
  return socket;
}
