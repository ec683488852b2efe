/**
 * The client's event listeners and one request's dispatcher. Dispatch costs nothing when
 * nobody listens.
 * @module
 */
import { platformRequest } from '../message/request.js';
import type { EventDispatcher, EventListeners, EventName, ListenerMap } from '../types.js';

/** The client's registry: `on(name, fn)` returns an unsubscribe function. */
export class EventRegistry {
  readonly #listeners = new Map<EventName, Set<(...args: never[]) => void>>();

  on<K extends EventName>(name: K, listener: EventListeners[K]): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (...args: never[]) => void);
    return () => {
      set.delete(listener as (...args: never[]) => void);
      if (set.size === 0) this.#listeners.delete(name);
    };
  }

  get size(): number {
    return this.#listeners.size;
  }

  /** A dispatcher for one request; the shared idle one when nobody listens at all. */
  dispatcher(perRequest: ListenerMap | undefined): EventDispatcher {
    if (this.#listeners.size === 0 && perRequest === undefined) return idleDispatcher;
    const listeners = this.#listeners;
    return {
      has: (name) => listeners.has(name) || perRequest?.[name] !== undefined,
      emit: (name, ...args) => {
        // The request given to listeners is one user code may hand to the platform.
        if (name === 'preRequest' || name === 'beforeRetry') args[0] = platformRequest(args[0] as Request) as never;
        else if (name === 'uploadProgress') args[1] = platformRequest(args[1] as Request) as never;
        const set = listeners.get(name);
        if (set) for (const fn of [...set]) (fn as (...a: unknown[]) => void)(...args);
        const own = perRequest?.[name] as ((...a: unknown[]) => void) | undefined;
        if (own) own(...args);
      },
    };
  }
}

const idleDispatcher: EventDispatcher = {
  has: () => false,
  emit: () => {},
};
