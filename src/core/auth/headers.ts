/**
 * Small helpers the auth schemes share: setting one request header without losing the body.
 * @module
 */
import { derive, headerList } from '../request.js';

/** A request like `request` with header `name` (lower-case) set to `value`, replacing others. */
export function withHeader(request: Request, name: string, value: string): Request {
  const list = headerList(request);
  const out: (readonly [string, string])[] = [];
  for (const pair of list) if (pair[0] !== name) out.push(pair);
  out.push([name, value]);
  return derive(request, { headers: out });
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += (b < 16 ? '0' : '') + b.toString(16);
  return hex;
}

/** Standard base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** `n` bytes from the platform's cryptographic random source. */
export function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}
