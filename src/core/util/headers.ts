/**
 * Header input normalisation and validation: lower-case names, no CR/LF/NUL in values.
 * @module
 */
import { InvalidOptionError } from './errors.js';

/** A normalised header list: lower-case names, trimmed values; repeated names allowed. */
export type HeaderList = readonly (readonly [string, string])[];

/** What users may write for headers; `undefined` deletes a name inherited from the client. */
export type HeadersInput =
  | Headers
  | readonly (readonly [string, string])[]
  | Readonly<Record<string, string | number | readonly string[] | undefined>>;

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const badValue = /[\r\n\0]/;

/** Validates one header; throws InvalidOptionError naming the header (never its value). */
export function checkHeader(name: string, value: string, option: string): void {
  if (!token.test(name)) throw new InvalidOptionError(option, `${option}: invalid header name ${JSON.stringify(name)}`);
  if (badValue.test(value)) throw new InvalidOptionError(option, `${option}: header "${name}" contains CR, LF or NUL`);
}

/** Normalises header input into a list plus the names it deletes (`undefined` values). */
export function normaliseHeaders(input: HeadersInput | undefined, option: string): { list: HeaderList; deleted: readonly string[] } {
  const list: [string, string][] = [];
  const deleted: string[] = [];
  if (input === undefined || input === null) return { list, deleted };
  const add = (name: string, raw: unknown): void => {
    const value = String(raw).trim();
    checkHeader(name, value, option);
    list.push([name.toLowerCase(), value]);
  };
  if (typeof Headers !== 'undefined' && input instanceof Headers) {
    input.forEach((value, name) => add(name, value));
    // forEach joins set-cookie; request headers rarely carry it, and joining is what fetch does.
  } else if (Array.isArray(input)) {
    for (const pair of input as readonly (readonly unknown[])[]) {
      if (!Array.isArray(pair) || pair.length !== 2)
        throw new InvalidOptionError(option, `${option}: each entry must be a [name, value] pair`);
      add(String(pair[0]), pair[1]);
    }
  } else if (typeof input === 'object') {
    for (const name of Object.keys(input)) {
      const value = (input as Record<string, unknown>)[name];
      if (value === undefined) {
        if (!token.test(name)) throw new InvalidOptionError(option, `${option}: invalid header name ${JSON.stringify(name)}`);
        deleted.push(name.toLowerCase());
      } else if (Array.isArray(value)) for (const v of value) add(name, v);
      else add(name, value);
    }
  } else {
    throw new InvalidOptionError(option, `${option}: expected Headers, an array of pairs or an object`);
  }
  return { list, deleted };
}

/**
 * Merges `override` over `base` case-insensitively: a name present in `override` replaces
 * every value of that name in `base`; deleted names are dropped. Returns `base` itself when
 * there is nothing to merge.
 */
export function mergeHeaders(base: HeaderList, override: HeaderList, deleted: readonly string[] = []): HeaderList {
  if (override.length === 0 && deleted.length === 0) return base;
  if (base.length === 0 && deleted.length === 0) return override;
  const replaced = new Set(deleted);
  for (const [name] of override) replaced.add(name);
  const out: (readonly [string, string])[] = [];
  for (const pair of base) if (!replaced.has(pair[0])) out.push(pair);
  for (const pair of override) out.push(pair);
  return out;
}

/** The first value of `name` (lower-case) in a list, or null. */
export function headerValue(list: HeaderList, name: string): string | null {
  for (const [n, v] of list) if (n === name) return v;
  return null;
}

/** A `Headers` as a list, each Set-Cookie value on its own (`forEach` would join them). */
export function listOfHeaders(headers: Headers): HeaderList {
  const list: [string, string][] = [];
  headers.forEach((v, k) => {
    if (k === 'set-cookie') for (const c of headers.getSetCookie()) list.push([k, c]);
    else list.push([k, v]);
  });
  return list;
}
