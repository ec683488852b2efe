/**
 * Setting one request header without losing the body: what every auth scheme does.
 * @module
 */
import { derive, headerList } from '../message/request-parts.js';

/** A request like `request` with header `name` (lower-case) set to `value`, replacing others. */
export function withHeader(request: Request, name: string, value: string): Request {
  const list = headerList(request);
  const out: (readonly [string, string])[] = [];
  for (const pair of list) if (pair[0] !== name) out.push(pair);
  out.push([name, value]);
  return derive(request, { headers: out });
}
