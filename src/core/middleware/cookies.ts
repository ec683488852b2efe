/**
 * The `cookies()` middleware: a tough-cookie jar applied to every hop. It sits inside
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
 * Core only names tough-cookie's types: a fresh jar comes from `internals.createJar`, which
 * the Node, Deno and Bun entries inject (their `createClient` defaults to `cookies: true`).
 * Without it (the browser entry, `ferry/core`) `cookies` left out means no jar, and an
 * explicit `cookies: true` on a transport that handles cookie headers is an
 * `InvalidOptionError` at `createClient` time: pass `cookies: new CookieJar()` instead.
 *
 * Where the transport cannot set `Cookie` or read `Set-Cookie`
 * (`capabilities.cookieHeaders === false`, e.g. the browser), the platform's own cookie
 * store applies and this middleware steps aside; an explicit `CookieJar` there is a
 * `CapabilityError` at `createClient` time, per-request `cookies` one at request time.
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import type { ClientInternals } from '../client.js';
import type { ExchangeContext } from '../context.js';
import { CapabilityError, describe, InvalidOptionError } from '../errors.js';
import type { Middleware, Next } from '../middleware.js';
import { derive, headerList, requestParts } from '../request.js';
import { responseSetCookies } from '../response.js';

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

/** The jar for `option` on a transport that handles cookie headers. */
function jarFor(option: boolean | CookieJar, createJar: (() => CookieJar) | undefined): CookieJar | undefined {
  if (option === false) return undefined;
  if (option !== true) return option;
  if (createJar) return createJar();
  throw new InvalidOptionError(
    'cookies',
    'cookies: true needs a jar, and this entry makes none so that tough-cookie stays out of its bundle: pass cookies: new CookieJar() (CookieJar from the tough-cookie package) or cookies: false',
  );
}

/**
 * Creates the cookies middleware for a client and publishes its jar on `internals.jar`.
 * Throws `CapabilityError` when an explicit jar meets a transport without cookie headers, and
 * `InvalidOptionError` for `cookies: true` when `internals.createJar` is absent.
 * @example
 * const client = createClient({ cookies: new CookieJar() });
 * await client.post('http://127.0.0.1:8080/login', { form: { user, pass } });
 * await client.cookies?.getCookieString('http://127.0.0.1:8080/'); // 'session=…'
 */
export function cookies(internals: ClientInternals): Middleware {
  return cookieSteps(internals).middleware;
}

/** Internal: the cookies middleware, and its idle case in two halves (see hop-steps.ts). */
export interface CookieSteps {
  readonly middleware: Middleware;
  /**
   * When this request gets no cookie from the jar and no per-request ones (an empty jar, or
   * none): the jar to store the response's Set-Cookie in, or undefined. Null otherwise.
   */
  idle(ctx: ExchangeContext): CookieJar | undefined | null;
  /** Stores the response's Set-Cookie (if any) for the request's URL; sync for a sync store. */
  stored(res: Response, request: Request, jar: CookieJar): Response | Promise<Response>;
}

/** See `cookies`; also gives the halves of its idle case. */
export function cookieSteps(internals: ClientInternals): CookieSteps {
  const option = internals.config.cookies;
  const capable = internals.transport.capabilities.cookieHeaders;
  const transportName = internals.transport.name;
  if (!capable && typeof option === 'object')
    throw new CapabilityError(
      transportName,
      'cookieHeaders',
      `the ${transportName} transport cannot set Cookie or read Set-Cookie (its platform keeps its own cookies): pass cookies: true or false`,
    );
  const clientJar = capable ? jarFor(option, internals.createJar) : undefined;
  internals.jar = clientJar;
  // A user's jar with a store of unknown kind counts as never empty.
  const isEmpty = clientJar ? emptinessProbe(clientJar) : null;

  /** Stores the response's Set-Cookie (if any) for the request's URL; sync for a sync store. */
  const stored = (res: Response, request: Request, jar: CookieJar): Response | Promise<Response> => {
    const setCookies = responseSetCookies(res);
    if (setCookies.length === 0) return res;
    const url = requestParts(request).url;
    if (!jar.store.synchronous) return store(jar, setCookies, url).then(() => res);
    for (const header of setCookies) jar.setCookieSync(header, url.href, { ignoreError: true });
    return res;
  };

  const withCookies = async (
    request: Request,
    next: Next,
    ctx: ExchangeContext,
    jar: CookieJar | undefined,
    extra: Readonly<Record<string, string>> | undefined,
  ): Promise<Response> => {
    const useJar = jar !== undefined && (isEmpty === null || !isEmpty());
    let out = request;
    const parts = requestParts(request);
    const url = parts.url;
    let cookie = !useJar ? '' : jar.store.synchronous ? jar.getCookieStringSync(url.href) : await jar.getCookieString(url.href);
    if (extra !== undefined) {
      let origin = ctx.state[originKey];
      if (typeof origin !== 'string') ctx.state[originKey] = origin = url.origin;
      if (origin === url.origin) {
        const own = extraCookies(extra);
        cookie = cookie === '' ? own : own === '' ? cookie : `${cookie}; ${own}`;
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
    return jar === undefined ? res : stored(res, request, jar);
  };

  // `credentials: 'omit'` keeps the jar out of this request both ways, as fetch keeps the
  // browser's; per-request `cookies` are the caller's own header and still go out.
  const jarOf = (ctx: ExchangeContext): CookieJar | undefined =>
    !capable || ctx.options.fetchInit?.credentials === 'omit' ? undefined : clientJar;

  const idle = (ctx: ExchangeContext): CookieJar | undefined | null => {
    if (ctx.options.cookies !== undefined) return null;
    const jar = jarOf(ctx);
    return jar === undefined || isEmpty?.() === true ? jar : null;
  };

  const middleware: Middleware = (request, next, ctx) => {
    // Nothing to add (no jar or an empty one, no per-request cookies: the common case): a
    // continuation instead of an async frame stores what the response sets.
    const idleJar = idle(ctx);
    if (idleJar !== null)
      return idleJar === undefined ? next(request, ctx) : next(request, ctx).then((res) => stored(res, request, idleJar));
    const extra = ctx.options.cookies;
    if (!capable)
      return Promise.reject(
        new CapabilityError(
          transportName,
          'cookieHeaders',
          describe(`the ${transportName} transport cannot send per-request cookies`, request),
          { request },
        ),
      );
    return withCookies(request, next, ctx, jarOf(ctx), extra);
  };

  return { middleware, idle, stored };
}
