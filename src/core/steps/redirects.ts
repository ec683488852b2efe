/**
 * The `redirects()` step: follows 301/302/303/307/308 like Twisted's `RedirectAgent`
 * or like the fetch spec, keeps the history, and keeps credentials on their origin.
 *
 * Policies (`redirectPolicy`):
 * - `'browser'` (default, the fetch spec): 301/302 turn a POST into a body-less GET, 303 turns
 *   every method but HEAD into a body-less GET, 307/308 keep method and body.
 * - `'strict'` (Twisted's RedirectAgent): the method never changes except on 303 (HEAD stays
 *   HEAD); 301/302 are followed only for GET and HEAD, any other method gets the 3xx back.
 *
 * Modes (`redirect`): `'follow'` (default), `'manual'` (the 3xx comes back as it is) and
 * `'error'` (any redirect status rejects with `RedirectError`, as fetch rejects).
 *
 * A redirect that cannot be followed safely comes back as the 3xx response: a 307/308 (or a
 * method-keeping 301/302) whose body is a one-shot stream is never resent empty. A Location
 * that does not parse, or that points at a scheme other than http(s), rejects with
 * `RedirectError`, as does a Location carrying credentials to another origin (fetch); more than `maxRedirects` hops reject with `TooManyRedirectsError` carrying
 * every response seen.
 *
 * Credentials stay on their origin: `authorization`, `cookie`, `proxy-authorization`, `host`
 * and every header of `sensitiveHeaders` are removed when a hop changes origin (scheme, host
 * or port) and on any https→http downgrade; only an upgrade of the same host from http on the
 * default port to https on the default port keeps them (httpx's rule). Cookies from the jar
 * are computed afresh per hop by the cookies step below this one.
 *
 * Where the transport cannot see the real 3xx (`capabilities.manualRedirects === false`, e.g.
 * the browser), this step steps aside: the platform follows redirects natively and
 * `history` stays empty.
 * @module
 */
import type { RequestBody } from '../message/body.js';
import { derive, headerList, requestParts } from '../message/request-parts.js';
import type { FerryResponse } from '../message/response.js';
import { deriveResponse, discardBody, responseHeader } from '../message/response-parts.js';
import type { ExchangeContext, Next, RedirectPolicy, Step } from '../types.js';
import { describe, RedirectError, TooManyRedirectsError } from '../util/errors.js';
import type { HeaderList } from '../util/headers.js';
import { defineStep } from './step.js';

/** Headers that carry credentials: dropped whenever a hop leaves the origin. */
const credentialHeaders: ReadonlySet<string> = new Set(['authorization', 'cookie', 'proxy-authorization', 'host']);

/** True for the statuses a client may follow. */
function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** What the next hop does: its method, and whether it keeps the body. `null`: do not follow. */
export interface RedirectStep {
  readonly method: string;
  readonly keepBody: boolean;
}

/**
 * The method and body of the hop after a `status` redirect of a `method` request, under
 * `policy`, or null when the policy does not follow it.
 * @example
 * redirectStep(302, 'POST', 'browser'); // { method: 'GET', keepBody: false }
 * redirectStep(302, 'POST', 'strict');  // null: the 302 comes back
 */
export function redirectStep(status: number, method: string, policy: RedirectPolicy): RedirectStep | null {
  if (status === 303) return method === 'HEAD' ? { method, keepBody: false } : { method: 'GET', keepBody: false };
  if (status === 307 || status === 308) return { method, keepBody: true };
  // 301 and 302
  if (policy === 'strict') return method === 'GET' || method === 'HEAD' ? { method, keepBody: false } : null;
  return method === 'POST' ? { method: 'GET', keepBody: false } : { method, keepBody: true };
}

function isDefaultPort(url: URL): boolean {
  return url.port === '';
}

/** Whether credentials may travel from `from` to `to`. */
export function sameCredentialScope(from: URL, to: URL): boolean {
  if (from.protocol === to.protocol && from.host === to.host) return true;
  // http → https on the same host, both on default ports: an upgrade, not a new origin.
  return from.protocol === 'http:' && to.protocol === 'https:' && from.hostname === to.hostname && isDefaultPort(from) && isDefaultPort(to);
}

function nextHeaders(list: HeaderList, crossOrigin: boolean, dropContent: boolean, sensitive: ReadonlySet<string>): HeaderList {
  if (!crossOrigin && !dropContent) return list;
  return list.filter(
    ([name]) => !(dropContent && name.startsWith('content-')) && !(crossOrigin && (credentialHeaders.has(name) || sensitive.has(name))),
  );
}

/** A FerryResponse for the history: with its request, URL and the hops before it. */
function historyEntry(res: Response, request: Request, url: URL, history: readonly FerryResponse[]): FerryResponse {
  const entry = deriveResponse(res, { request, url: url.href, history: history.slice(), redirected: history.length > 0 });
  discardBody(entry);
  return entry;
}

function finish(res: Response, request: Request, url: URL, history: readonly FerryResponse[]): Response {
  if (history.length === 0) return res;
  return deriveResponse(res, { request, url: url.href, history, redirected: true });
}

/** Resolves a Location against the current URL, carrying the fragment over (fetch spec). */
function locationURL(location: string, current: URL): URL | null {
  let target: URL;
  try {
    target = new URL(location, current);
  } catch {
    return null;
  }
  if (target.hash === '' && !target.href.endsWith('#') && current.hash !== '') target.hash = current.hash;
  return target;
}

async function follow(
  first: Response,
  request: Request,
  firstBody: RequestBody | null,
  next: Next,
  ctx: ExchangeContext,
): Promise<Response> {
  const { maxRedirects, redirectPolicy, sensitiveHeaders } = ctx.options;
  const history: FerryResponse[] = [];
  let res = first;
  let req = request;
  // The body of the hop as it was handed on: a transport that reads the Request it is given
  // consumes that Request's stream, but the source stays replayable.
  let sentBody = firstBody;
  let url = requestParts(request).url;
  for (;;) {
    const location = responseHeader(res, 'location');
    if (location === null) return finish(res, req, url, history);
    const method = requestParts(req).method;
    const target = locationURL(location, url);
    if (target === null) {
      discardBody(res);
      throw new RedirectError(describe(`redirect ${res.status} to a Location that does not parse`, req), res, { request: req });
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      discardBody(res);
      throw new RedirectError(describe(`redirect ${res.status} to a refused scheme ${target.protocol}`, req), res, { request: req });
    }
    if (target.username !== '' || target.password !== '') {
      // fetch: credentials in a cross-origin Location are a network error; same-origin ones are never used
      if (!sameCredentialScope(url, target)) {
        discardBody(res);
        throw new RedirectError(describe(`redirect ${res.status} to a Location with credentials on another origin`, req), res, {
          request: req,
        });
      }
      target.username = '';
      target.password = '';
    }
    const step = redirectStep(res.status, method, redirectPolicy);
    const body: RequestBody | null = step?.keepBody ? sentBody : null;
    // Never resend a one-shot body empty: the 3xx is the answer.
    if (step === null || (body !== null && body.replay === null)) return finish(res, req, url, history);
    if (history.length >= maxRedirects) {
      history.push(historyEntry(res, req, url, history));
      throw new TooManyRedirectsError(describe(`more than ${maxRedirects} redirects`, req), history, { request: req });
    }
    history.push(historyEntry(res, req, url, history));
    const crossOrigin = !sameCredentialScope(url, target);
    // fetch: a hop whose method changes drops the body and its Content-* headers
    const dropContent = step.method !== method;
    const headers = nextHeaders(headerList(req), crossOrigin, dropContent, sensitiveHeaders);
    sentBody = body === null ? null : (body.replay?.() ?? null);
    req = derive(req, { url: target, method: step.method, headers, body: sentBody });
    url = target;
    res = await next(req, ctx);
    if (!isRedirect(res.status)) return finish(res, req, url, history);
  }
}

/**
 * Creates the redirect step (part of the default chain). It never changes a request on the
 * way out; on the way back it costs one status check per response that is not a redirect.
 * @example
 * const client = createClient({ redirect: 'follow', maxRedirects: 5, redirectPolicy: 'strict' });
 * const res = await client.get('http://127.0.0.1:8080/old');
 * res.history.map((r) => [r.status, r.url]); // [[301, 'http://127.0.0.1:8080/old']]
 */
export function redirects(): Step {
  return defineStep({
    name: 'redirects',
    // Where the platform follows redirects itself, or the caller wants the 3xx, it comes back as it is.
    watches: (_request, ctx) => ctx.options.redirect !== 'manual' && ctx.transport.capabilities.manualRedirects,
    after: afterHop,
  });
}

/**
 * What the step does with a hop's response: follows a redirect through `next` (the chain
 * below, so cookies, auth and decompression apply per hop) or hands the response on.
 */
function afterHop(
  res: Response,
  request: Request,
  sentBody: RequestBody | null,
  ctx: ExchangeContext,
  next: Next,
): Response | Promise<Response> {
  if (!isRedirect(res.status)) return res;
  if (ctx.options.redirect === 'error') {
    discardBody(res);
    throw new RedirectError(describe(`redirect ${res.status} with redirect: 'error'`, request), res, { request });
  }
  return follow(res, request, sentBody, next, ctx);
}
