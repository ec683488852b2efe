/**
 * Which cookie jar a client uses. Core only names tough-cookie's types: a fresh jar comes from
 * the entry's `createJar`, which the Node, Deno and Bun entries inject (their `createClient`
 * defaults to `cookies: true`). Without it (the browser entry, `ferry/core`) `cookies` left
 * out means no jar, and an explicit `cookies: true` on a transport that handles cookie
 * headers is an `InvalidOptionError`: pass `cookies: new CookieJar()` instead. Where the
 * transport cannot set `Cookie` or read `Set-Cookie` (the browser), the platform's own store
 * applies: no jar, and an explicit `CookieJar` is a `CapabilityError`. (docs/decisions/0008)
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import type { Transport } from '../types.js';
import { CapabilityError, InvalidOptionError } from '../util/errors.js';

/** The jar for the resolved `cookies` option on `transport`, or undefined for none. */
export function clientJar(
  option: boolean | CookieJar,
  transport: Transport,
  createJar: (() => CookieJar) | undefined,
): CookieJar | undefined {
  if (!transport.capabilities.cookieHeaders) {
    if (typeof option === 'object')
      throw new CapabilityError(
        transport.name,
        'cookieHeaders',
        `the ${transport.name} transport cannot set Cookie or read Set-Cookie (its platform keeps its own cookies): pass cookies: true or false`,
      );
    return undefined;
  }
  if (option === false) return undefined;
  if (option !== true) return option;
  if (createJar) return createJar();
  throw new InvalidOptionError(
    'cookies',
    'cookies: true needs a jar, and this entry makes none so that tough-cookie stays out of its bundle: pass cookies: new CookieJar() (CookieJar from the tough-cookie package) or cookies: false',
  );
}
