/**
 * Responses and errors across threads. The worker turns them into data (`responseToWire`,
 * `errorToWire`); the caller rebuilds errors of the same classes, with the same `code`,
 * message and fields (`errorFromWire`), so `instanceof TimeoutError` and `e.code` work as
 * with the async client.
 * @module
 */
import {
  AuthError,
  CapabilityError,
  ConnectError,
  DecodingError,
  describe,
  FerryError,
  FerryResponse,
  HTTPStatusError,
  IntegrityError,
  InvalidOptionError,
  isFerryError,
  ProxyError,
  RedirectError,
  ResponseTruncatedError,
  StreamConsumedError,
  TimeoutError,
  TLSError,
  TooManyRedirectsError,
  TransportError,
  WebSocketError,
} from '../core/kit.js';
import { BodyTooLargeError } from './body-too-large.js';
import type { WireError, WireRequest, WireResponse } from './protocol.js';

const brand = Symbol.for('ferry.error');

function headerPairs(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((v, k) => {
    if (k === 'set-cookie') for (const c of headers.getSetCookie()) out.push([k, c]);
    else out.push([k, v]);
  });
  return out;
}

/**
 * Reads a body whole, up to `max` bytes; past that it stops reading, releases the body and
 * throws BodyTooLargeError (a declared Content-Length over the cap fails before reading).
 */
export async function readCapped(res: Response, max: number, request: { method: string; url: string }): Promise<ArrayBuffer> {
  const tooLarge = (): BodyTooLargeError =>
    new BodyTooLargeError(describe(`response body is larger than maxBodyBytes (${max})`, request), max, {
      request: res instanceof FerryResponse ? res.request : undefined,
    });
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  const body = res.body;
  if (body === null) return new ArrayBuffer(0);
  if (declared > max) {
    await body.cancel().catch(() => {});
    throw tooLarge();
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
}

function headOf(res: Response, body: ArrayBuffer | null): WireResponse {
  const ferry = res instanceof FerryResponse ? res : undefined;
  return {
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    headers: headerPairs(res.headers),
    redirected: res.redirected,
    httpVersion: ferry?.httpVersion,
    history: (ferry?.history ?? []).map((h) => headOf(h, null)),
    body,
  };
}

/** A response and its body (read up to `max` bytes) as data. */
export async function responseToWire(res: Response, max: number, request: { method: string; url: string }): Promise<WireResponse> {
  return headOf(res, await readCapped(res, max, request));
}

function requestToWire(r: Request): WireRequest {
  return { method: r.method, url: r.url, headers: headerPairs(r.headers) };
}

async function fieldToWire(v: unknown, max: number): Promise<unknown> {
  if (v === null || typeof v !== 'object') return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
  if (v instanceof Request) return { __request: requestToWire(v) };
  if (v instanceof Headers) return { __headers: headerPairs(v) };
  if (v instanceof Response) {
    let body: ArrayBuffer | null = null;
    try {
      if (!v.bodyUsed) body = await readCapped(v, max, { method: 'GET', url: v.url });
    } catch {
      body = null;
    }
    return { __response: headOf(v, body) };
  }
  if (Array.isArray(v)) return Promise.all(v.map((item) => fieldToWire(item, max)));
  try {
    return structuredClone(v);
  } catch {
    return undefined;
  }
}

/** An error as data; a ferry error keeps its class name, code and fields, others are cloned. */
export async function errorToWire(e: unknown, max: number, depth = 0): Promise<WireError> {
  const ferry = isFerryError(e);
  if (!(e instanceof Error) && !ferry) {
    let plain: unknown;
    try {
      plain = structuredClone(e);
    } catch {
      plain = String(e);
    }
    return { ferry: false, name: 'NonError', message: String(e), code: undefined, fields: { plain } };
  }
  const err = e as Error & { code?: unknown };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(err)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause' || key === 'code') continue;
    const value = await fieldToWire((err as unknown as Record<string, unknown>)[key], max);
    if (value !== undefined) fields[key] = value;
  }
  const wire: WireError = {
    ferry,
    name: err.name,
    message: err.message,
    code: typeof err.code === 'string' ? err.code : undefined,
    fields,
    ...(err.cause !== undefined && depth < 4 ? { cause: await errorToWire(err.cause, max, depth + 1) } : {}),
  };
  return wire;
}

/** Rebuilds a response carried as data (an error's `response`, a `history` entry). */
export function responseFromWire(w: WireResponse): FerryResponse {
  return new FerryResponse(w.body ? new Uint8Array(w.body) : null, {
    status: w.status,
    statusText: w.statusText,
    url: w.url,
    headers: w.headers,
    redirected: w.redirected,
    httpVersion: w.httpVersion,
    history: w.history.map(responseFromWire),
  });
}

function fieldFromWire(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fieldFromWire);
  const r = v as Record<string, unknown>;
  if ('__request' in r) {
    const w = r.__request as WireRequest;
    return new Request(w.url, { method: w.method, headers: w.headers });
  }
  if ('__headers' in r) return new Headers(r.__headers as [string, string][]);
  if ('__response' in r) return responseFromWire(r.__response as WireResponse);
  return v;
}

/** ferry's error classes by name (the whole error tree, and the sync client's own). */
export const errorClasses: Readonly<Record<string, unknown>> = {
  AuthError,
  BodyTooLargeError,
  CapabilityError,
  ConnectError,
  DecodingError,
  FerryError,
  HTTPStatusError,
  IntegrityError,
  InvalidOptionError,
  ProxyError,
  RedirectError,
  ResponseTruncatedError,
  StreamConsumedError,
  TimeoutError,
  TLSError,
  TooManyRedirectsError,
  TransportError,
  WebSocketError,
};

/**
 * Rebuilds an error in the calling thread: the same class (from this copy of ferry), name,
 * code, message and fields, with the caller's stack.
 */
export function errorFromWire(w: WireError): unknown {
  if (w.name === 'NonError' && !w.ferry) return w.fields.plain;
  const Ctor = errorClasses[w.name];
  const known = typeof Ctor === 'function' && (Ctor as { prototype: unknown }).prototype instanceof Error;
  const globalCtor = (globalThis as Record<string, unknown>)[w.name];
  const proto = known
    ? (Ctor as { prototype: object }).prototype
    : w.ferry
      ? FerryError.prototype
      : typeof globalCtor === 'function' && (globalCtor as { prototype: unknown }).prototype instanceof Error
        ? (globalCtor as { prototype: object }).prototype
        : Error.prototype;
  const e = Object.create(proto) as Error;
  Object.defineProperty(e, 'name', { value: w.name, configurable: true, writable: true });
  Object.defineProperty(e, 'message', { value: w.message, configurable: true, writable: true });
  if (w.ferry) Object.defineProperty(e, brand, { value: true });
  if (w.code !== undefined) (e as unknown as { code: string }).code = w.code;
  for (const [key, value] of Object.entries(w.fields)) (e as unknown as Record<string, unknown>)[key] = fieldFromWire(value);
  if (w.cause) Object.defineProperty(e, 'cause', { value: errorFromWire(w.cause as WireError), configurable: true, writable: true });
  Error.captureStackTrace?.(e, errorFromWire);
  return e;
}
