/**
 * A ferry ResponseSource over undici's body: `text()`/`json()`/`arrayBuffer()` read undici's
 * body directly; `stream()` builds a web ReadableStream with real backpressure (a slow reader
 * pauses the socket); a response dropped unread releases its connection when collected.
 * @module
 */
import type { Completeness, ResponseSource } from '../../core/kit.js';
import { mapError } from './map-error.js';

/** The part of undici's BodyReadable ferry uses. */
export interface UndiciBody extends NodeJS.ReadableStream {
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  dump(opts?: { limit: number }): Promise<void>;
  destroy(error?: Error): this;
  readonly destroyed: boolean;
  readonly readableEnded: boolean;
}

interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal | undefined;
}

// Undici's fetch does the same: a body nobody reads must not pin its connection forever.
const unread = new FinalizationRegistry<UndiciBody>((body) => {
  if (!body.destroyed && !body.readableEnded) body.dump({ limit: 128 * 1024 }).catch(() => {});
});

/**
 * Sources waiting to be registered. Registering every response costs: each registration
 * keeps its target through young-generation GCs and grows the old space (measured: twice the
 * CPU per response and a mark-compact every few thousand responses). Almost every body is
 * taken within the turn that produced it, so sources wait here until the event loop's next
 * check phase and only those still untaken then are registered.
 */
let fresh: UndiciSource[] = [];

function registerUntaken(): void {
  const list = fresh;
  fresh = [];
  for (const source of list) source.register();
}

function failure(e: unknown, exchange: Exchange): unknown {
  if (exchange.signal?.aborted) return exchange.signal.reason;
  return mapError(e, exchange, 'body');
}

/**
 * True when the body is delimited by the connection closing (HTTP/1.x, no Content-Length,
 * not chunked): it cannot be told apart from a truncated one (Twisted's PotentialDataLoss).
 */
export function isCloseDelimited(
  method: string,
  status: number,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): boolean {
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) return false;
  if (headers['content-length'] !== undefined) return false;
  const te = headers['transfer-encoding'];
  return te === undefined || !/chunked\s*$/i.test(String(te));
}

/** A ResponseSource with the `complete` promise for the FerryResponse. */
export interface NodeBodySource extends ResponseSource {
  /**
   * Settles when the body is done: 'unknown' for a close-delimited body; rejects (handled) on
   * failure. Made on first call (most callers never ask).
   */
  complete(): Promise<Completeness>;
}

const resolvedComplete: Promise<Completeness> = Promise.resolve('complete');
const resolvedUnknown: Promise<Completeness> = Promise.resolve('unknown');

/**
 * The source over undici's body, one object per response with its methods on the prototype
 * (a response costs no closures, and no `complete` promise until someone asks for it).
 */
class UndiciSource implements NodeBodySource {
  #taken = false;
  /** undefined while the body is pending, null once done, the error once failed. */
  #outcome: unknown = undefined;
  #settled = false;
  #complete: Promise<Completeness> | null = null;
  #settle: ((error?: unknown) => void) | null = null;
  #registered = false;
  readonly #body: UndiciBody;
  readonly #exchange: Exchange;
  readonly #closeDelimited: boolean;

  constructor(body: UndiciBody, exchange: Exchange, closeDelimited: boolean) {
    this.#body = body;
    this.#exchange = exchange;
    this.#closeDelimited = closeDelimited;
    if (fresh.push(this) === 1) setImmediate(registerUntaken);
  }

  /** See `fresh`: a body still untaken is released (dumped) when its response is collected. */
  register(): void {
    if (this.#taken) return;
    unread.register(this, this.#body, this);
    this.#registered = true;
  }

  complete(): Promise<Completeness> {
    if (this.#complete) return this.#complete;
    if (this.#settled && this.#outcome === null) return (this.#complete = this.#closeDelimited ? resolvedUnknown : resolvedComplete);
    if (this.#settled) this.#complete = Promise.reject(this.#outcome);
    else
      this.#complete = new Promise<Completeness>((resolve, reject) => {
        this.#settle = (error) => (error === undefined ? resolve(this.#closeDelimited ? 'unknown' : 'complete') : reject(error));
      });
    this.#complete.catch(() => {}); // nobody has to await it
    return this.#complete;
  }

  /** Records the end of the body (an error, or undefined for a good end); first call wins. */
  settle(error?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#outcome = error === undefined ? null : error;
    this.#settle?.(error);
  }

  #take(): void {
    this.#taken = true;
    if (this.#registered) unread.unregister(this);
  }

  #read<T>(p: Promise<T>): Promise<T> {
    return p.then(
      (v) => {
        this.settle();
        return v;
      },
      (e) => {
        const error = failure(e, this.#exchange);
        this.settle(error);
        return Promise.reject(error);
      },
    );
  }

  text(): Promise<string> {
    this.#take();
    return this.#read(this.#body.text());
  }

  json(): Promise<unknown> {
    this.#take();
    return this.#read(this.#body.json());
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    this.#take();
    return this.#read(this.#body.arrayBuffer());
  }

  stream(): ReadableStream<Uint8Array> {
    this.#take();
    return webStream(this.#body, this.#exchange, this);
  }

  cancel(): void {
    if (this.#taken) return;
    this.#take();
    this.settle();
    this.#body.dump({ limit: 128 * 1024 }).catch(() => {});
  }
}

/**
 * The source over undici's body. `closeDelimited` (see `isCloseDelimited`) makes `complete`
 * resolve to 'unknown' instead of 'complete' when the body ends.
 */
export function bodySource(body: UndiciBody, exchange: Exchange, closeDelimited = false): NodeBodySource {
  return new UndiciSource(body, exchange, closeDelimited);
}

function webStream(body: UndiciBody, exchange: Exchange, keepAlive: UndiciSource): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body.on('data', (chunk: Uint8Array) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        });
        body.on('end', () => {
          if (done) return;
          done = true;
          keepAlive.settle();
          controller.close();
        });
        body.on('error', (e: unknown) => {
          if (done) return;
          done = true;
          const error = failure(e, exchange);
          keepAlive.settle(error);
          controller.error(error);
        });
        body.pause();
      },
      pull() {
        // the closure keeps the source reachable while the stream is in use
        void keepAlive;
        body.resume();
      },
      cancel(reason) {
        done = true;
        keepAlive.settle();
        body.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
