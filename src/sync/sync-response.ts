/**
 * SyncResponse: what the sync client returns, its body already read into memory.
 * @module
 */
import type { WireResponse } from './protocol.js';

/** An earlier hop of a redirect chain: its head only (the body was not kept). */
export interface SyncHistoryEntry {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: Headers;
}

const decoder = new TextDecoder();

/**
 * A response whose body is already in memory: `text()`, `json()` and `arrayBuffer()` are
 * plain synchronous methods, and may be called more than once.
 * @example
 * const res = sync.get('/config.json');
 * if (res.ok) console.log(res.json());
 */
export class SyncResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: Headers;
  readonly redirected: boolean;
  readonly httpVersion: string | undefined;
  /** Every earlier response of the redirect chain, oldest first. */
  readonly history: readonly SyncHistoryEntry[];
  readonly #body: Uint8Array;

  constructor(wire: WireResponse) {
    this.status = wire.status;
    this.statusText = wire.statusText;
    this.url = wire.url;
    this.headers = new Headers(wire.headers);
    this.redirected = wire.redirected;
    this.httpVersion = wire.httpVersion;
    this.history = Object.freeze(
      wire.history.map((h) => Object.freeze({ status: h.status, statusText: h.statusText, url: h.url, headers: new Headers(h.headers) })),
    );
    this.#body = wire.body ? new Uint8Array(wire.body) : new Uint8Array(0);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  /** The body decoded as UTF-8. */
  text(): string {
    return decoder.decode(this.#body);
  }
  /** The body parsed as JSON (a SyntaxError for an empty or malformed body, as fetch). */
  json(): unknown {
    return JSON.parse(this.text());
  }
  /** A copy of the body's bytes. */
  arrayBuffer(): ArrayBuffer {
    return this.#body.slice().buffer;
  }
  /** A copy of the body's bytes. */
  bytes(): Uint8Array {
    return this.#body.slice();
  }
}
