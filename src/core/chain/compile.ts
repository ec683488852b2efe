/**
 * The chain, built once per client: `compile(middleware, last)` links every middleware to the
 * one below it, and where a row of steps (see steps/step.ts) leaves a request idle, it sends
 * the request straight on to the first one that has work (or to `last`) and applies the
 * row's hooks in one continuation. Which steps idle is decided per request, for any row and
 * wherever it sits: a user's middleware above the built-ins is one more link, and the steps
 * below it keep their fast path.
 * @module
 */
import { isStep, sendRow } from '../steps/step.js';
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
  const row = steps as readonly Step[]; // read only where steps[i] is a step
  // nexts[i]: what middleware i calls as `next` (the chain from i + 1 on).
  const nexts: Next[] = new Array(n);
  // throughs[i]: a request through middleware i as not idle (its work), or `last` for i = n.
  const throughs: Next[] = new Array(n + 1);
  throughs[n] = last;
  let below = last;
  for (let k = n - 1; k >= 0; k--) {
    nexts[k] = below;
    throughs[k] = through(k);
    below = link(k);
  }
  return below;

  /** Sends a request through `middleware[i]` (not idle here) with the chain below it. */
  function through(i: number): Next {
    const m = middleware[i] as Middleware;
    const next = nexts[i] as Next;
    const work = steps[i]?.work ?? m;
    return (request, ctx) => work(request, next, ctx);
  }

  /** The chain from `k` on. */
  function link(k: number): Next {
    const own = throughs[k] as Next;
    if (steps[k] === null) return own;
    return (request, ctx) => {
      let j = k;
      for (; j < n; j++) {
        const s = steps[j] as Step | null;
        if (s === null || !s.idle(request, ctx)) break;
      }
      if (j === k) return own(request, ctx);
      return sendRow(row, nexts, k, j, request, ctx, throughs[j] as Next);
    };
  }
}
