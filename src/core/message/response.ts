/**
 * FerryResponse: a `Response` subclass (`instanceof Response` holds) that is cheap to make.
 * Its headers and body stream materialise only when touched; `text()`, `json()` and
 * `arrayBuffer()` read the transport's body directly when nothing took the stream. Every
 * member of `Response` is its own; the platform's constructor never runs (see `ResponseBase`).
 * @module
 */
import { describe, StreamConsumedError } from '../util/errors.js';
import { readAll } from '../util/read-all.js';
import { platformRequest } from './request.js';
import { isRaw, isSource, sourceOfInit, streamSource } from './response-sources.js';
import type { Completeness, FerryResponseInit, RawHeaders, ResponseSource } from './response-types.js';
import { watchStream } from './watched-stream.js';

export type {
  Completeness,
  FerryResponseInit,
  RawHeaders,
  ResponseSource,
} from './response-types.js';

const kState = Symbol('ferry.response');

/** A FerryResponse's state (see `responseState`). */
export interface ResponseState {
  status: number;
  statusText: string;
  raw: RawHeaders | null;
  headers: Headers | null;
  url: string;
  request: Request | undefined;
  history: readonly FerryResponse[];
  httpVersion: string | undefined;
  redirected: boolean | undefined;
  complete: Promise<Completeness> | (() => Promise<Completeness>) | undefined;
  source: ResponseSource | null;
  stream: ReadableStream<Uint8Array> | null;
  /** What consumed the body (for StreamConsumedError), or null. */
  consumer: string | null;
}

function stateOf(r: FerryResponse): ResponseState {
  return (r as unknown as { [kState]: ResponseState })[kState];
}

/** The state of a FerryResponse, or undefined for any other Response. */
export function responseState(response: Response): ResponseState | undefined {
  return (response as unknown as { [kState]?: ResponseState })[kState];
}

const decoder = new TextDecoder();
const completeResolved: Promise<Completeness> = Promise.resolve('complete');

/**
 * `Response`'s prototype and statics without its constructor, whose slots (an empty 200 none
 * of FerryResponse's members read) cost ~4 µs a response on Node 24. Platform code reading
 * them (a `Deno.serve` handler's result, `cache.put` …) now throws instead of sending an
 * empty 200: give it `new Response(res.body, res)`. See docs/decisions/0010.
 */
const ResponseBase = function Response() {} as unknown as typeof Response;
ResponseBase.prototype = Response.prototype;
Object.setPrototypeOf(ResponseBase, Response);

/**
 * A `Response` with ferry's extras: `request`, `history`, `previous`, `httpVersion`, `complete`.
 * @example
 * const res = await client.get('/users');
 * res.history.map((r) => r.status); // [302]
 */
export class FerryResponse extends ResponseBase {
  constructor(body?: BodyInit | ResponseSource | null, init: FerryResponseInit = {}) {
    super();
    let source: ResponseSource | null = null;
    let impliedType: string | null = null;
    if (body !== null && body !== undefined) {
      if (isSource(body)) source = body;
      else if (body instanceof ReadableStream) source = streamSource(body);
      else ({ source, type: impliedType } = sourceOfInit(body));
    }
    const h = init.headers;
    let raw: RawHeaders | null = null;
    let headers: Headers | null = null;
    if (h === undefined) raw = impliedType ? { 'content-type': impliedType } : {};
    else if (isRaw(h)) raw = h;
    else {
      headers = new Headers(h as HeadersInit);
      if (impliedType && !headers.has('content-type')) headers.set('content-type', impliedType);
    }
    (this as unknown as { [kState]: ResponseState })[kState] = {
      status: init.status ?? 200,
      statusText: init.statusText ?? '',
      raw,
      headers,
      url: init.url ?? '',
      request: init.request,
      history: init.history ?? [],
      httpVersion: init.httpVersion,
      redirected: init.redirected,
      complete: init.complete,
      source,
      stream: null,
      consumer: null,
    };
  }

  override get status(): number {
    return stateOf(this).status;
  }
  override get statusText(): string {
    return stateOf(this).statusText;
  }
  override get ok(): boolean {
    const s = stateOf(this).status;
    return s >= 200 && s < 300;
  }
  override get url(): string {
    return stateOf(this).url;
  }
  override get redirected(): boolean {
    const s = stateOf(this);
    return s.redirected ?? s.history.length > 0;
  }
  override get type(): ResponseType {
    return 'basic';
  }
  override get headers(): Headers {
    const s = stateOf(this);
    if (s.headers === null) {
      const h = new Headers();
      const raw = s.raw ?? {};
      for (const name of Object.keys(raw)) {
        const v = raw[name];
        if (v === undefined) continue;
        if (typeof v === 'string') h.append(name, v);
        else for (const item of v) h.append(name, item);
      }
      s.headers = h;
    }
    return s.headers;
  }
  /** The Request of the hop that produced this response. */
  get request(): Request | undefined {
    return platformRequest(stateOf(this).request);
  }
  /** Every earlier response of the redirect chain, oldest first. */
  get history(): readonly FerryResponse[] {
    return stateOf(this).history;
  }
  /** The response before this one in the redirect chain (Twisted's previousResponse). */
  get previous(): FerryResponse | undefined {
    const h = stateOf(this).history;
    return h[h.length - 1];
  }
  /** '1.0' | '1.1' | '2' where the transport knows it. */
  get httpVersion(): string | undefined {
    return stateOf(this).httpVersion;
  }
  /** 'complete', or 'unknown' for a close-delimited body (potential data loss). */
  get complete(): Promise<Completeness> {
    const s = stateOf(this);
    if (typeof s.complete === 'function') s.complete = s.complete();
    return s.complete ?? completeResolved;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    const s = stateOf(this);
    if (!s.stream) {
      if (!s.source || s.consumer) return null;
      s.stream = watchStream(s.source.stream(), s);
    }
    return s.stream as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
  override get bodyUsed(): boolean {
    const s = stateOf(this);
    return s.consumer !== null || s.stream?.locked === true;
  }

  #take(consumer: string): ResponseSource | ReadableStream<Uint8Array> | null {
    const s = stateOf(this);
    if (s.consumer !== null) throw new StreamConsumedError(describe(`body already consumed by ${s.consumer}`, s.request));
    if (s.stream) {
      if (s.stream.locked) throw new StreamConsumedError(describe('body stream is locked by a reader (res.body)', s.request));
      s.consumer = consumer;
      return s.stream;
    }
    s.consumer = consumer;
    return s.source;
  }

  override text(): Promise<string> {
    // Not async: the transport's own text() promise is handed on (no extra promise and hop).
    let src: ResponseSource | ReadableStream<Uint8Array> | null;
    try {
      src = this.#take('text()');
    } catch (e) {
      return Promise.reject(e);
    }
    if (src === null) return Promise.resolve('');
    if (!(src instanceof ReadableStream) && src.text) return src.text();
    return readAll(src instanceof ReadableStream ? src : src.stream()).then((bytes) => decoder.decode(bytes));
  }
  override async json(): Promise<unknown> {
    const src = this.#take('json()');
    if (src === null) return JSON.parse('');
    if (!(src instanceof ReadableStream) && src.json) return src.json();
    const text =
      !(src instanceof ReadableStream) && src.text
        ? await src.text()
        : decoder.decode(await readAll(src instanceof ReadableStream ? src : src.stream()));
    return JSON.parse(text);
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    let src: ResponseSource | ReadableStream<Uint8Array> | null;
    try {
      src = this.#take('arrayBuffer()');
    } catch (e) {
      return Promise.reject(e);
    }
    if (src === null) return Promise.resolve(new ArrayBuffer(0));
    if (!(src instanceof ReadableStream) && src.arrayBuffer) return src.arrayBuffer();
    return readAll(src instanceof ReadableStream ? src : src.stream()).then((bytes) =>
      bytes.buffer.byteLength === bytes.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer),
    );
  }
  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    const buf = await this.#read('bytes()');
    return new Uint8Array(buf);
  }
  override async blob(): Promise<Blob> {
    const buf = await this.#read('blob()');
    const type = this.headers.get('content-type');
    return new Blob([buf], type ? { type } : {});
  }
  override async formData(): Promise<FormData> {
    const src = this.#take('formData()');
    const stream = src === null ? null : src instanceof ReadableStream ? src : src.stream();
    return new Response(stream, { headers: this.headers }).formData();
  }
  async #read(consumer: string): Promise<ArrayBuffer> {
    const src = this.#take(consumer);
    if (src === null) return new ArrayBuffer(0);
    if (!(src instanceof ReadableStream) && src.arrayBuffer) return src.arrayBuffer();
    const bytes = await readAll(src instanceof ReadableStream ? src : src.stream());
    return bytes.slice().buffer as ArrayBuffer;
  }

  override clone(): FerryResponse {
    const s = stateOf(this);
    if (this.bodyUsed)
      throw new StreamConsumedError(describe(`cannot clone: body already consumed by ${s.consumer ?? 'a reader'}`, s.request));
    const stream = this.body;
    let other: ReadableStream<Uint8Array> | null = null;
    if (stream) {
      const [a, b] = ReadableStream.prototype.tee.call(stream) as [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>];
      s.stream = a;
      other = b;
    }
    return new FerryResponse(other, initOf(this));
  }
}

/** The init that rebuilds `r` (without its body). */
export function initOf(r: FerryResponse): FerryResponseInit {
  const s = stateOf(r);
  return {
    status: s.status,
    statusText: s.statusText,
    headers: s.headers ? new Headers(s.headers) : (s.raw ?? {}),
    url: s.url,
    request: s.request,
    history: s.history,
    httpVersion: s.httpVersion,
    ...(s.redirected !== undefined ? { redirected: s.redirected } : {}),
    ...(s.complete ? { complete: s.complete } : {}),
  };
}
