/**
 * FerryWebSocket: the standard WebSocket shape (send, close, readyState, protocol, open /
 * message / close / error events, on* attributes) plus async iteration of messages and a
 * Pulsar-style handler object. Transports feed it through a small driver.
 * @module
 */
import type { FerryResponse } from './response.js';

/** A message: text as a string, binary as an ArrayBuffer. */
export type WebSocketMessage = string | ArrayBuffer;

/** What a transport's socket must offer. */
export interface WebSocketDriver {
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
}

/** Pulsar-style callbacks, an alternative to event listeners. */
export interface WebSocketHandler {
  onOpen?(ws: FerryWebSocket): void;
  onMessage?(data: WebSocketMessage, ws: FerryWebSocket): void;
  onClose?(code: number, reason: string, ws: FerryWebSocket): void;
  onError?(error: unknown, ws: FerryWebSocket): void;
}

/** Options of `client.websocket()`. */
export interface WebSocketOptions {
  protocols?: string | readonly string[];
  headers?: HeadersInit | Readonly<Record<string, string | undefined>>;
  handler?: WebSocketHandler;
  signal?: AbortSignal;
  /** Largest message accepted, in bytes (default 100 MiB); bigger closes with 1009. */
  maxPayload?: number;
  perMessageDeflate?: boolean;
  /** Cookies for this upgrade only, besides the jar's. */
  cookies?: Readonly<Record<string, string>>;
  auth?: import('../types.js').AuthScheme;
  /** Handshake deadline in ms. */
  timeout?: number;
}

const encoder = new TextEncoder();
const kFeed = Symbol('ferry.websocket.feed');

/** The calls a transport makes into a FerryWebSocket as its socket reports events. */
export interface WebSocketFeed {
  open(): void;
  message(data: WebSocketMessage): void;
  close(code: number, reason: string, wasClean: boolean): void;
  error(error: unknown): void;
}

/** Messages kept for a later iterator when nobody listens yet (bounded). */
const maxQueued = 10_000;

type Pending = { resolve: (r: IteratorResult<WebSocketMessage>) => void; reject: (e: unknown) => void };

/**
 * @example
 * const ws = await client.websocket('ws://127.0.0.1:8080/chat');
 * ws.send('hi');
 * for await (const msg of ws) console.log(msg);
 */
export class FerryWebSocket extends EventTarget implements AsyncIterable<WebSocketMessage> {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;

  readonly url: string;
  /** The 101 response of the upgrade (its headers, the request that made it). */
  readonly response: FerryResponse | undefined;
  binaryType: 'arraybuffer' | 'blob' = 'arraybuffer';
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent | Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;

  #driver: WebSocketDriver;
  #state = 0;
  #handler: WebSocketHandler | undefined;
  #queue: WebSocketMessage[] = [];
  #waiting: Pending[] = [];
  #iterating = false;
  #ended: { error?: unknown } | null = null;
  #listeners = 0;

  constructor(url: string, driver: WebSocketDriver, response?: FerryResponse, handler?: WebSocketHandler) {
    super();
    this.url = url;
    this.#driver = driver;
    this.response = response;
    this.#handler = handler;
  }

  get readyState(): number {
    return this.#state;
  }
  get protocol(): string {
    return this.#driver.protocol;
  }
  get extensions(): string {
    return this.#driver.extensions;
  }
  get bufferedAmount(): number {
    return this.#driver.bufferedAmount;
  }

  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    if (args[0] === 'message' && args[1]) this.#listeners++;
    super.addEventListener(...args);
  }

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#state === 0) throw new DOMException('WebSocket is still connecting', 'InvalidStateError');
    if (this.#state !== 1) return; // the standard silently drops sends after close
    this.#driver.send(data);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999))
      throw new DOMException(`close code must be 1000 or 3000-4999, got ${code}`, 'InvalidAccessError');
    if (reason !== undefined && encoder.encode(reason).byteLength > 123)
      throw new DOMException('close reason longer than 123 bytes', 'SyntaxError');
    if (this.#state >= 2) return;
    this.#state = 2;
    this.#driver.close(code, reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    this.#iterating = true;
    return {
      next: () => {
        const queued = this.#queue.shift();
        if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
        if (this.#ended) return this.#ended.error ? Promise.reject(this.#ended.error) : Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
      },
      return: () => {
        this.#iterating = false;
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** @internal the transport's side */
  get [kFeed](): WebSocketFeed {
    return {
      open: () => {
        this.#state = 1;
        this.#emit(new Event('open'), this.onopen);
        this.#handler?.onOpen?.(this);
      },
      message: (data) => {
        const ev = new MessageEvent('message', { data: this.binaryType === 'blob' && typeof data !== 'string' ? new Blob([data]) : data });
        this.#emit(ev, this.onmessage);
        this.#handler?.onMessage?.(data, this);
        const waiter = this.#waiting.shift();
        if (waiter) waiter.resolve({ value: data, done: false });
        else if (this.#iterating || (this.#listeners === 0 && !this.onmessage && !this.#handler?.onMessage)) {
          if (this.#queue.length < maxQueued) this.#queue.push(data);
        }
      },
      close: (code, reason, wasClean) => {
        if (this.#state === 3) return;
        this.#state = 3;
        const ev =
          typeof CloseEvent === 'function'
            ? new CloseEvent('close', { code, reason, wasClean })
            : Object.assign(new Event('close'), { code, reason, wasClean });
        this.#emit(ev, this.onclose);
        this.#handler?.onClose?.(code, reason, this);
        this.#end({});
      },
      error: (error) => {
        const ev = Object.assign(new Event('error'), { error });
        this.#emit(ev, this.onerror);
        this.#handler?.onError?.(error, this);
        this.#end({ error });
      },
    };
  }

  #emit(ev: Event, attr: ((ev: never) => void) | null): void {
    attr?.call(this, ev as never);
    this.dispatchEvent(ev);
  }

  #end(end: { error?: unknown }): void {
    if (this.#ended) return;
    this.#ended = end;
    for (const w of this.#waiting.splice(0)) end.error ? w.reject(end.error) : w.resolve({ value: undefined, done: true });
  }
}

/** The feed of a FerryWebSocket, for transports. */
export function webSocketFeed(ws: FerryWebSocket): WebSocketFeed {
  return ws[kFeed];
}

/** `ws:`→`http:`, `wss:`→`https:` (upgrades travel the chain as http(s) requests). */
export function httpURLOf(url: string | URL): string {
  const href = String(url);
  if (/^wss:/i.test(href)) return `https:${href.slice(4)}`;
  if (/^ws:/i.test(href)) return `http:${href.slice(3)}`;
  return href;
}

/** `http:`→`ws:`, `https:`→`wss:`. */
export function wsURLOf(url: string | URL): string {
  const href = String(url);
  if (/^https:/i.test(href)) return `wss:${href.slice(6)}`;
  if (/^http:/i.test(href)) return `ws:${href.slice(5)}`;
  return href;
}
