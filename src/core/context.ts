/**
 * The per-exchange context every middleware and the transport receive.
 * @module
 */
import type { EventDispatcher } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { Transport } from './transport.js';

/**
 * Carries the normalised options of this request, the abort signal, the event dispatcher,
 * the transport and a place for middleware to leave facts for later ones (`state`).
 * Derive a changed context with a spread (`{ ...ctx, signal }`); never mutate one you got.
 */
export interface ExchangeContext {
  readonly options: ResolvedOptions;
  /** The signal that aborts this exchange (the user's, maybe combined with timeouts). */
  readonly signal: AbortSignal | undefined;
  readonly events: EventDispatcher;
  readonly transport: Transport;
  /** Facts middleware leave for later ones, keyed by a name they own. */
  readonly state: Record<string, unknown>;
}
