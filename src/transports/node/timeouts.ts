/**
 * Per-hop timeout phases on undici. `connect` is a property of a dispatcher's connector, so a
 * hop with a connect deadline goes through a dispatcher made for that deadline (one per
 * distinct value, at most `maxConnectDispatchers`, the oldest closed gracefully past that).
 * Nothing is allocated when no phase is set.
 *
 * `headers` and `bodyIdle` are left to the core's `hopTimeouts()` (native timers): undici's
 * per-request `headersTimeout`/`bodyTimeout` run on its coarse "fast timers" (about one
 * second of resolution), so a 100 ms deadline would fire after about a second. undici's
 * own defaults (300 s) still apply underneath and map to the same TimeoutError phases.
 * @module
 */
import type { Dispatcher } from 'undici';
import type { TimeoutPhase } from '../../core/kit.js';

/** The phases the Node transport enforces itself (its `capabilities.timeouts`). */
export const nodeTimeoutPhases: readonly TimeoutPhase[] = Object.freeze(['connect'] as TimeoutPhase[]);

const maxConnectDispatchers = 8;

/** Picks the dispatcher for a hop's connect deadline. */
export interface ConnectDispatchers {
  /** `base` when `connect` is unset (or no factory was given), else the one made for that deadline. */
  pick(connect: number | undefined): Dispatcher;
  /** Closes the dispatchers made here (not `base`). */
  close(): Promise<void>;
}

/**
 * Dispatchers keyed by connect timeout. `make` builds one like `base` but with that connect
 * timeout; without it (a user's own dispatcher) the dispatcher's own connect timeout applies.
 * @example
 * const byConnect = connectDispatchers(agent, (ms) => new Agent({ connect: { timeout: ms } }));
 * byConnect.pick(ctx.options.timeout?.connect).request(opts);
 */
export function connectDispatchers(base: Dispatcher, make: ((connectTimeout: number) => Dispatcher) | undefined): ConnectDispatchers {
  const made = new Map<number, Dispatcher>();
  return {
    pick(connect) {
      if (connect === undefined || make === undefined) return base;
      let d = made.get(connect);
      if (d === undefined) {
        if (made.size >= maxConnectDispatchers) {
          const [oldest, old] = made.entries().next().value as [number, Dispatcher];
          made.delete(oldest);
          old.close().catch(() => {});
        }
        d = make(connect);
        made.set(connect, d);
      }
      return d;
    },
    async close() {
      const all = [...made.values()];
      made.clear();
      await Promise.all(all.map((d) => d.close()));
    },
  };
}
