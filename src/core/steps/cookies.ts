/**
 * The `cookies(jar)` step: a tough-cookie jar applied to every hop. It sits inside
 * `redirects`, so the `Set-Cookie` of every hop (redirect responses included) is stored and
 * the `Cookie` header is computed afresh for every hop from the jar: domain, path, Secure,
 * HttpOnly, SameSite, expiry and public-suffix rejection as tough-cookie implements them.
 * As RFC 6265 says, cookies are scoped by host, not by port.
 *
 * `ClientOptions.cookies`: `true` makes a fresh jar, `false` none, a `CookieJar` is used as
 * given (`client.cookies` exposes whichever jar is in use; it serialises with `jar.toJSON()`
 * and loads with `CookieJar.fromJSON()`). Per-request `cookies: { name: value }` go out
 * besides the jar's, to the origin of the request only, and are never stored.
 *
 * Core only names tough-cookie's types: the client decides which jar (client/cookie-jar.ts)
 * and hands it to this step.
 *
 * Where the transport cannot set `Cookie` or read `Set-Cookie`
 * (`capabilities.cookieHeaders === false`, e.g. the browser), the platform's own cookie
 * store applies and this step steps aside; per-request `cookies` there are a
 * `CapabilityError` at request time.
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import { derive, headerList, requestParts } from '../message/request-parts.js';
import { responseSetCookies } from '../message/response-parts.js';
import type { ExchangeContext, Next, Step } from '../types.js';
import { CapabilityError, describe } from '../util/errors.js';
import { defineStep } from './step.js';

/** ctx.state key: the origin of the first hop, the only one per-request cookies go to. */
const originKey = 'ferry.cookies.origin';

/** A cheap emptiness test for the jar, or null when its store cannot tell cheaply. */
function emptinessProbe(jar: CookieJar): (() => boolean) | null {
  const store = (jar as unknown as { store?: { idx?: unknown } }).store;
  const idx = store?.idx;
  if (typeof idx !== 'object' || idx === null) return null;
  return () => {
    for (const _ in idx) return false;
    return true;
  };
}

function extraCookies(cookies: Readonly<Record<string, string>>): string {
  let out = '';
  for (const name of Object.keys(cookies)) out += `${out === '' ? '' : '; '}${name}=${cookies[name]}`;
  return out;
}

async function store(jar: CookieJar, setCookies: readonly string[], url: URL): Promise<void> {
  for (const header of setCookies) {
    // A cookie the jar refuses (bad domain, public suffix, Secure over http) is ignored, as browsers do.
    await jar.setCookie(header, url.href, { ignoreError: true });
  }
}

/** Stores the response's Set-Cookie (if any) for the request's URL; sync for a sync store. */
function stored(res: Response, request: Request, jar: CookieJar): Response | Promise<Response> {
  const setCookies = responseSetCookies(res);
  if (setCookies.length === 0) return res;
  const url = requestParts(request).url;
  if (!jar.store.synchronous) return store(jar, setCookies, url).then(() => res);
  for (const header of setCookies) jar.setCookieSync(header, url.href, { ignoreError: true });
  return res;
}

/**
 * Creates the cookies step over `jar` (none: only per-request `cookies` are sent). A
 * request idles here when the jar has nothing to add (empty, or none) and it has no
 * per-request cookies; its response's Set-Cookie is still stored.
 * @example
 * const client = createClient({ cookies: new CookieJar() });
 * await client.post('http://127.0.0.1:8080/login', { form: { user, pass } });
 * await client.cookies?.getCookieString('http://127.0.0.1:8080/'); // 'session=…'
 */
export function cookies(jar?: CookieJar): Step {
  // A user's jar with a store of unknown kind counts as never empty.
  const isEmpty = jar ? emptinessProbe(jar) : null;

  // `credentials: 'omit'` keeps the jar out of this request both ways, as fetch keeps the
  // browser's; per-request `cookies` are the caller's own header and still go out.
  const jarOf = (ctx: ExchangeContext): CookieJar | undefined =>
    !ctx.transport.capabilities.cookieHeaders || ctx.options.fetchInit?.credentials === 'omit' ? undefined : jar;

  const withCookies = async (request: Request, next: Next, ctx: ExchangeContext): Promise<Response> => {
    const own = jarOf(ctx);
    const extra = ctx.options.cookies;
    const useJar = own !== undefined && (isEmpty === null || !isEmpty());
    let out = request;
    const parts = requestParts(request);
    const url = parts.url;
    let cookie = !useJar ? '' : own.store.synchronous ? own.getCookieStringSync(url.href) : await own.getCookieString(url.href);
    if (extra !== undefined) {
      let origin = ctx.state[originKey];
      if (typeof origin !== 'string') ctx.state[originKey] = origin = url.origin;
      if (origin === url.origin) {
        const given = extraCookies(extra);
        cookie = cookie === '' ? given : given === '' ? cookie : `${cookie}; ${given}`;
      }
    }
    if (cookie !== '') {
      const list = parts.headers instanceof Headers ? headerList(request) : parts.headers;
      const given: string[] = [];
      const rest: (readonly [string, string])[] = [];
      for (const pair of list) {
        if (pair[0] === 'cookie') given.push(pair[1]);
        else rest.push(pair);
      }
      given.push(cookie);
      rest.push(['cookie', given.join('; ')]);
      // The body has not been sent yet: hand the same source on (a replay would call a producer again).
      out = derive(request, { headers: rest, body: parts.body });
    }
    const res = await next(out, ctx);
    return own === undefined ? res : stored(res, request, own);
  };

  return defineStep({
    name: 'cookies',
    idle(_request, ctx) {
      if (ctx.options.cookies !== undefined) return false;
      return jar === undefined || isEmpty?.() === true || jarOf(ctx) === undefined;
    },
    work(request, next, ctx) {
      const transport = ctx.transport;
      if (ctx.options.cookies !== undefined && !transport.capabilities.cookieHeaders)
        return Promise.reject(
          new CapabilityError(
            transport.name,
            'cookieHeaders',
            describe(`the ${transport.name} transport cannot send per-request cookies`, request),
            { request },
          ),
        );
      return withCookies(request, next, ctx);
    },
    watches: (_request, ctx) => jarOf(ctx) !== undefined,
    after: (res, request, _body, ctx) => stored(res, request, jarOf(ctx) as CookieJar),
  });
}
