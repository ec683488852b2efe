/**
 * Options for the sync client cross to its worker by structured clone. Functions, streams and
 * objects with behaviour (a CookieJar, a Transport, an AbortSignal) cannot: they are refused
 * with `InvalidOptionError` naming the option, and belong in a `setup` module evaluated in
 * the worker. URL, URLSearchParams, Headers, FormData and File are carried over as data.
 * @module
 */
import { InvalidOptionError } from '../core/kit.js';

const hint = 'build it in a setup module (createSyncClient({ setup })) whose createOptions() runs in the worker';

function refuse(path: string, what: string): never {
  throw new InvalidOptionError(path, `${path}: ${what} cannot cross to the sync worker; ${hint}`);
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function fileOf(v: Blob): unknown {
  return typeof File === 'function' && v instanceof File ? { __file: { blob: v.slice(0, v.size, v.type), name: v.name, type: v.type } } : v;
}

/** Turns an option value into something the structured clone carries faithfully, or throws. */
export function toWire(v: unknown, path: string): unknown {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'function') refuse(path, 'a function');
  if (typeof v !== 'object') refuse(path, `a ${typeof v}`);
  if (v instanceof URL) return v.href;
  if (v instanceof URLSearchParams) return { __params: v.toString() };
  if (v instanceof Headers) return [...v];
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v) || v instanceof Date) return v;
  if (v instanceof Blob) return fileOf(v);
  if (typeof FormData === 'function' && v instanceof FormData) {
    const entries: [string, unknown][] = [];
    v.forEach((value, key) => entries.push([key, typeof value === 'string' ? value : fileOf(value)]));
    return { __formData: entries };
  }
  if (v instanceof ReadableStream || Symbol.asyncIterator in v) refuse(path, 'a stream');
  if (Array.isArray(v)) return v.map((item, i) => toWire(item, `${path}[${i}]`));
  if (!isPlain(v)) refuse(path, `a ${v.constructor?.name ?? 'class'} instance`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) out[key] = toWire(value, path ? `${path}.${key}` : key);
  return out;
}

/** Client options for the worker. `transport`, `middleware`, `auth`, `on` and `decoders` need a setup module. */
export function clientOptionsToWire(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'options: expected an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === 'setup' || key === 'maxBodyBytes' || key === 'startupTimeout') continue;
    if (key === 'cookies' && typeof value !== 'boolean') refuse('cookies', 'a cookie jar');
    out[key] = toWire(value, key);
  }
  return out;
}

/** Per-request options for the worker; `json` travels as its JSON text, so it is sent as given. */
export function requestOptionsToWire(init: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (init === undefined || init === null) return {};
  if (typeof init !== 'object') throw new InvalidOptionError('init', 'init: expected an object');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(init)) {
    if (value === undefined) continue;
    if (key === 'signal') refuse('signal', 'an AbortSignal (use timeout)');
    if (key === 'json') {
      out.json = { __json: JSON.stringify(value) };
      continue;
    }
    if (key === 'body' && typeof value === 'function') refuse('body', 'a body producer');
    out[key] = toWire(value, key);
  }
  return out;
}

function tagged(v: Record<string, unknown>): unknown {
  if ('__params' in v) return new URLSearchParams(v.__params as string);
  if ('__json' in v) return JSON.parse(v.__json as string);
  if ('__file' in v) {
    const f = v.__file as { blob: Blob; name: string; type: string };
    return new File([f.blob], f.name, { type: f.type });
  }
  if ('__formData' in v) {
    const form = new FormData();
    for (const [key, value] of v.__formData as [string, unknown][]) {
      const revived = fromWire(value);
      if (typeof revived === 'string') form.append(key, revived);
      else form.append(key, revived as Blob);
    }
    return form;
  }
  return undefined;
}

/** Undoes `toWire` on the worker's side. */
export function fromWire(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromWire);
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v) || v instanceof Date || v instanceof Blob) return v;
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0]?.startsWith('__')) {
    const revived = tagged(record);
    if (revived !== undefined) return revived;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = fromWire(record[key]);
  return out;
}
