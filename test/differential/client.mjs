/**
 * What src/core/client/client.ts exports, with `createClient` adding one pass-through
 * middleware after the user's own (see register.mjs). Invalid `middleware` input is left
 * alone, so validation errors stay what they are.
 */
import * as real from '../../src/core/client/client.ts?differential-real';

export * from '../../src/core/client/client.ts?differential-real';

const passThrough = function passThrough(request, next, ctx) {
  return next(request, ctx);
};

export function createClient(options = {}, ...rest) {
  const mw = options?.middleware;
  if (typeof options !== 'object' || options === null || (mw !== undefined && !Array.isArray(mw)))
    return real.createClient(options, ...rest);
  return real.createClient({ ...options, middleware: [...(mw ?? []), passThrough] }, ...rest);
}
