/**
 * Turns `fetch(input, init)` / `client.get(url, opts)` into a FerryRequest plus its resolved
 * options, validating everything before any I/O.
 * @module
 */
import { urlCredentials } from '../auth/basic.js';
import { bodyFromForm, bodyFromInput, bodyFromJson, type RequestBody } from '../message/body.js';
import { resolveFetchInit } from '../message/fetch-init.js';
import { type FerryRequest, lazyRequest } from '../message/request.js';
import { requestParts, signalOfRequest } from '../message/request-parts.js';
import type { FerryInit, ResolvedClientOptions, ResolvedOptions } from '../types.js';
import { InvalidOptionError } from '../util/errors.js';
import { type HeaderList, headerValue } from '../util/headers.js';
import { buildURL } from '../util/params.js';
import { resolveRequestHeaders, resolveRequestParams, withSharedOptions } from './resolve.js';

/** A request ready for the chain. */
export interface Prepared {
  readonly request: FerryRequest;
  readonly options: ResolvedOptions;
  readonly signal: AbortSignal | undefined;
}

const methodToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const normalised: Record<string, string> = {
  delete: 'DELETE',
  get: 'GET',
  head: 'HEAD',
  options: 'OPTIONS',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
};

function normaliseMethod(method: string): string {
  const known = normalised[method.toLowerCase()];
  if (known) return known;
  if (!methodToken.test(method)) throw new InvalidOptionError('method', `method: invalid method ${JSON.stringify(method)}`);
  if (method.toUpperCase() === 'CONNECT') throw new InvalidOptionError('method', 'method: CONNECT is not a request method ferry sends');
  return method;
}

function bodyOf(init: FerryInit, method: string, url: URL, encodeText: TextEncoding | undefined): RequestBody | null | undefined {
  const json = init.json !== undefined;
  const form = init.form !== undefined || init.files !== undefined;
  const body = init.body !== undefined && init.body !== null;
  if (+json + +form + +body > 1) {
    const given = [json && 'json', form && 'form/files', body && 'body'].filter(Boolean);
    throw new InvalidOptionError(
      'body',
      `${method} ${url.origin}${url.pathname}: give only one of json, form/files and body (got ${given.join(' and ')})`,
    );
  }
  if (init.json !== undefined) return bodyFromJson(init.json, encodeText);
  if (init.form !== undefined || init.files !== undefined) return bodyFromForm(init.form, init.files);
  if (init.body !== undefined && init.body !== null) return bodyFromInput(init.body);
  return init.body === null ? null : undefined;
}

/** A client's default header list with a Content-Type added, by list and type (made once each). */
const typed = new WeakMap<HeaderList, Map<string, HeaderList>>();

/** `headers` plus `content-type: type`: one list for every such request of a client, not two arrays each. */
function withContentType(headers: HeaderList, type: string): HeaderList {
  let byType = typed.get(headers);
  if (byType === undefined) typed.set(headers, (byType = new Map()));
  let out = byType.get(type);
  if (out === undefined) byType.set(type, (out = Object.freeze([...headers, Object.freeze(['content-type', type] as const)])));
  return out;
}

/** How an entry turns a JSON text into bytes (see `bodyFromJson`). */
type TextEncoding = (text: string) => Uint8Array;

/** Builds the request and its options; throws InvalidOptionError before any I/O. */
export function prepareRequest(
  client: ResolvedClientOptions,
  input: RequestInfo | URL,
  init: FerryInit | undefined,
  method?: string,
  encodeText?: TextEncoding,
): Prepared {
  const fromRequest = typeof input === 'object' && input !== null && input instanceof Request ? input : null;
  const rawMethod = method ?? init?.method ?? fromRequest?.method ?? 'GET';
  if (typeof rawMethod !== 'string') throw new InvalidOptionError('method', 'method: expected a string');
  const m = normaliseMethod(rawMethod);

  let url: URL;
  let headers: HeaderList;
  let body: RequestBody | null = null;
  let signal: AbortSignal | undefined;
  let options = client.shared;
  let streamBody = false;
  if (fromRequest) {
    const parts = requestParts(fromRequest);
    url = buildURL(parts.url, undefined, resolveRequestParams(client, init?.params), m);
    const list: (readonly [string, string])[] = [];
    if (parts.headers instanceof Headers) parts.headers.forEach((v, k) => list.push([k, v]));
    else list.push(...parts.headers);
    headers = resolveRequestHeaders(client, list);
    body = parts.body;
    signal = signalOfRequest(fromRequest);
    if (fromRequest.redirect !== 'follow') options = withSharedOptions(options, { redirect: fromRequest.redirect }, true);
  } else {
    if (typeof input !== 'string' && !(input instanceof URL))
      throw new InvalidOptionError('url', `${m} ${String(input)}: expected a URL string, URL or Request`);
    url = buildURL(input, client.baseURL, resolveRequestParams(client, init?.params), m);
    headers = client.headers;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidOptionError('url', `${m} ${url.protocol}//${url.host}${url.pathname}: unsupported scheme ${url.protocol}`);

  if (init !== undefined && init !== null) {
    if (typeof init !== 'object') throw new InvalidOptionError('init', 'init: expected an object');
    if (init.headers !== undefined) headers = resolveRequestHeaders({ ...client, headers }, init.headers);
    const b = bodyOf(init, m, url, encodeText);
    if (b !== undefined) body = b;
    streamBody = b?.length === null;
    if (init.signal !== undefined && init.signal !== null) {
      if (typeof init.signal !== 'object' || typeof init.signal.aborted !== 'boolean')
        throw new InvalidOptionError('signal', 'signal: expected an AbortSignal');
      signal = init.signal;
    } else if (init.signal === null) signal = undefined;
    options = withSharedOptions(options, init as Record<string, unknown>, true);
  }

  if (body !== null && (m === 'GET' || m === 'HEAD'))
    throw new InvalidOptionError('body', `${m} ${url.origin}${url.pathname}: a ${m} request cannot have a body`);

  const fetchInit = resolveFetchInit((init ?? undefined) as Record<string, unknown> | undefined, fromRequest, {
    method: m,
    url: url.href,
    streamBody,
  });
  if (fetchInit !== undefined) options = Object.freeze({ ...options, fetchInit });

  if (url.username !== '' || url.password !== '') {
    // Credentials in the URL become a basic auth scheme scoped to that origin (unless `auth`
    // or an Authorization header is given) and leave the URL (request line, messages).
    const scheme = urlCredentials(url);
    url = new URL(url.href);
    url.username = '';
    url.password = '';
    if (options.auth === undefined && headerValue(headers, 'authorization') === null)
      options = withSharedOptions(options, { auth: scheme }, true);
  }
  if (body?.type && headerValue(headers, 'content-type') === null)
    headers = headers === client.headers ? withContentType(headers, body.type) : [...headers, ['content-type', body.type]];

  return { request: lazyRequest({ url, method: m, headers, body, redirect: 'follow', init: fetchInit }), options, signal };
}
