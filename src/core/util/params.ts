/**
 * Query parameters and base-URL resolution.
 * @module
 */
import { InvalidOptionError, scrubUrl } from './errors.js';

type Scalar = string | number | boolean | bigint;
/** `{ page: 2, tag: ['a', 'b'] }` → `page=2&tag=a&tag=b`; `undefined`/`null` values are left out. */
export type ParamsInput =
  | URLSearchParams
  | readonly (readonly [string, Scalar])[]
  | Readonly<Record<string, Scalar | readonly Scalar[] | null | undefined>>;

/** A normalised parameter list. */
export type ParamList = readonly (readonly [string, string])[];

export function normaliseParams(input: ParamsInput | undefined, option: string): ParamList {
  if (input === undefined || input === null) return [];
  const out: [string, string][] = [];
  if (input instanceof URLSearchParams) {
    input.forEach((v, k) => out.push([k, v]));
    return out;
  }
  if (Array.isArray(input)) {
    for (const pair of input as readonly (readonly unknown[])[]) {
      if (!Array.isArray(pair) || pair.length !== 2)
        throw new InvalidOptionError(option, `${option}: each entry must be a [name, value] pair`);
      out.push([String(pair[0]), scalar(pair[1], option)]);
    }
    return out;
  }
  if (typeof input !== 'object') throw new InvalidOptionError(option, `${option}: expected an object or URLSearchParams`);
  for (const key of Object.keys(input)) {
    const value = (input as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) out.push([key, scalar(v, option)]);
    else out.push([key, scalar(value, option)]);
  }
  return out;
}

function scalar(value: unknown, option: string): string {
  const t = typeof value;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return String(value);
  throw new InvalidOptionError(option, `${option}: values must be strings, numbers, booleans or arrays of them`);
}

/**
 * Resolves `input` against `base` and appends `params` to the URL's own query.
 * Throws InvalidOptionError for a URL that does not parse or a scheme other than http(s).
 */
export function buildURL(input: string | URL, base: string | undefined, params: ParamList, method: string): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(input) : new URL(typeof input === 'string' ? joinable(input) : input, base);
  } catch (cause) {
    throw new InvalidOptionError('url', `${method} ${scrubUrl(String(input))}: invalid URL`, { cause });
  }
  if (params.length > 0) for (const [k, v] of params) url.searchParams.append(k, v);
  return url;
}

// "/users" against "https://api/v1/" should give "https://api/v1/users" (ky's prefixUrl rule),
// which URL resolution alone would turn into "https://api/users".
function joinable(input: string): string {
  return input.startsWith('/') && !input.startsWith('//') ? input.slice(1) : input;
}

/** A baseURL normalised to end in "/", so relative inputs extend its path. */
export function normaliseBaseURL(input: string | URL | undefined): string | undefined {
  if (input === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(input);
  } catch (cause) {
    throw new InvalidOptionError('baseURL', `baseURL: invalid URL ${JSON.stringify(scrubUrl(String(input)))}`, { cause });
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}
