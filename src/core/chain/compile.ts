/**
 * The chain, built once per client: `compile(middleware, last)` links every middleware to the
 * one below it, and where a row of steps (see steps/step.ts) leaves a request idle, it sends
 * the request straight on to the first one that has work (or to `last`) and applies the
 * row's hooks in one continuation. Which steps idle is decided per request, for any row and
 * wherever it sits: a user's middleware above the built-ins is one more link, and the steps
 * below it keep their fast path.
 * @module
 */
import { isStep, maxRow, type RowHooks, sendRow } from '../steps/step.js';
import type { Middleware, Next, Step } from '../types.js';

/**
 * Composes middleware and steps around a final handler. Array order is execution order,
 * **outermost first** (as in hono and wretch; undici's `compose` is the reverse). Rows of
 * steps that leave a request idle cost one continuation between them.
 * @example
 * const send = compile([logging, retry(), redirects()], transportSender(transport));
 */
export function compile(middleware: readonly Middleware[], last: Next): Next {
  const n = middleware.length;
  const steps: readonly (Step | null)[] = middleware.map((m) => (isStep(m) ? m : null));
  // Each step's parts, read once into arrays (see RowHooks). kinds[i]: 0 a plain middleware
  // (never idle), 1 a step that leaves every request idle, 2 one with an idle predicate.
  const kinds = steps.map((s) => (s === null ? 0 : s.work === undefined ? 1 : 2));
  const idles = steps.map((s) => (s?.work === undefined ? null : s.idle));
  // watching[i]: 0 no hooks, 1 hooks that watch every request, 2 hooks with a watches predicate.
  const watching = steps.map((s) =>
    s === null || (s.after === undefined && s.failed === undefined) ? 0 : s.watches === undefined ? 1 : 2,
  );
  const watchers = steps.map((s) => s?.watches ?? null);
  // nexts[i]: what middleware i calls as `next` (the chain from i + 1 on).
  const nexts: Next[] = new Array(n);
  const hooks: RowHooks = { afters: steps.map((s) => s?.after), faileds: steps.map((s) => s?.failed), nexts };
  // throughs[i]: a request through middleware i as not idle (its work), or `last` for i = n.
  const throughs: Next[] = new Array(n + 1);
  // links[i]: the chain from i on (what `compile` returns for i = 0).
  const links: Next[] = new Array(n + 1);
  throughs[n] = last;
  links[n] = last;
  for (let k = n - 1; k >= 0; k--) {
    nexts[k] = links[k + 1] as Next;
    throughs[k] = through(k);
    links[k] = link(k);
  }
  return links[0] as Next;

  /** Sends a request through `middleware[i]` (not idle here) with the chain below it. */
  function through(i: number): Next {
    const m = middleware[i] as Middleware;
    const next = nexts[i] as Next;
    const work = steps[i]?.work ?? m;
    return (request, ctx) => work(request, next, ctx);
  }

  /** The chain from `k` on: the row of steps idle for a request, then the first with work. */
  function link(k: number): Next {
    const own = throughs[k] as Next;
    if (steps[k] === null) return own;
    const end = Math.min(n, k + maxRow);
    return (request, ctx) => {
      let mask = 0;
      let j = k;
      for (; j < end; j++) {
        const kind = kinds[j];
        if (kind === 0 || (kind === 2 && !(idles[j] as Step['idle'])(request, ctx))) break;
        const w = watching[j];
        if (w === 1 || (w === 2 && (watchers[j] as NonNullable<Step['watches']>)(request, ctx))) mask |= 1 << (j - k);
      }
      if (j === k) return own(request, ctx);
      // A row as long as a mask is wide goes on as a row of its own.
      return sendRow(hooks, k, j, mask, request, ctx, (j === end && j < n ? links[j] : throughs[j]) as Next);
    };
  }
}
