/**
 * Per-hop timeout phases on undici: `headers` and `bodyIdle` go to undici's per-request
 * `headersTimeout`/`bodyTimeout`; `connect` is a property of a dispatcher's connector, so a
 * hop with a connect deadline goes through a dispatcher made for that deadline (one per
 * distinct value, at most `maxConnectDispatchers`, the oldest closed gracefully past that).
 * Nothing is allocated when no phase is set.
 * @module
 */
import type { Dispatcher } from 'undici';
import type { TimeoutOptions, TimeoutPhase } from '../../core/index.js';

/** The phases the Node transport enforces itself (its `capabilities.timeouts`). */
export const nodeTimeoutPhases: readonly TimeoutPhase[] = Object.freeze(['connect', 'headers', 'bodyIdle'] as TimeoutPhase[]);

/** undici's per-request timeouts. */
export interface DispatchTimeouts {
  headersTimeout?: number;
  bodyTimeout?: number;
}

const none: DispatchTimeouts = Object.freeze({});

/**
 * undici's `headersTimeout`/`bodyTimeout` for ferry's `timeout` (0 disables, as in undici).
 * @example
 * dispatcher.request({ ...opts, ...dispatchTimeouts(ctx.options.timeout) });
 */
export function dispatchTimeouts(timeout: Readonly<TimeoutOptions> | undefined): DispatchTimeouts {
  if (timeout === undefined || (timeout.headers === undefined && timeout.bodyIdle === undefined)) return none;
  const out: DispatchTimeouts = {};
  if (timeout.headers !== undefined) out.headersTimeout = timeout.headers;
  if (timeout.bodyIdle !== undefined) out.bodyTimeout = timeout.bodyIdle;
  return out;
}

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
