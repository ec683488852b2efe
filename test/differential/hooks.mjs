/**
 * Module hook for the differential run (see register.mjs): every import of
 * src/core/client/client.ts resolves to client.mjs here, which re-exports the real module
 * with a `createClient` that adds a pass-through middleware after the user's own.
 */
const target = /\/src\/core\/client\/client\.ts$/;
const wrapper = new URL('./client.mjs', import.meta.url).href;
const real = 'differential-real';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const url = new URL(result.url);
  if (url.protocol !== 'file:' || !target.test(url.pathname) || url.search.includes(real)) return result;
  return { url: wrapper, format: 'module', shortCircuit: true };
}
