/**
 * Event names, listener types and dispatch. Dispatch costs nothing when nobody listens.
 * @module
 */
import { publish } from './request.js';

/** Byte counts for progress events; `total` is undefined when unknown. */
export interface Progress {
  readonly loaded: number;
  readonly total: number | undefined;
}

/** Informational details passed with `beforeRetry`. */
export interface RetryInfo {
  readonly attempt: number;
  readonly error?: unknown;
  readonly response?: Response;
  readonly delay: number;
}

/** Every event and its listener signature. */
export interface EventListeners {
  preRequest: (request: Request) => void;
  onHeaders: (response: Response) => void;
  postRequest: (response: Response) => void;
  dataReceived: (response: Response, chunk: Uint8Array) => void;
  dataProcessed: (response: Response, chunk: Uint8Array) => void;
  uploadProgress: (progress: Progress, request: Request) => void;
  downloadProgress: (progress: Progress, response: Response) => void;
  beforeRetry: (request: Request, info: RetryInfo) => void;
}

export type EventName = keyof EventListeners;

export const eventNames: readonly EventName[] = [
  'preRequest',
  'onHeaders',
  'postRequest',
  'dataReceived',
  'dataProcessed',
  'uploadProgress',
  'downloadProgress',
  'beforeRetry',
] as const;

/** Per-request listeners (`on: { … }`), already validated. */
export type ListenerMap = { readonly [K in EventName]?: EventListeners[K] };

/**
 * Holds the client's listeners and one request's; `has()` lets middleware skip work when
 * nobody listens. A throwing listener's error propagates to the caller of `emit`, which
 * fails that request (never the process).
 */
export interface EventDispatcher {
  has(name: EventName): boolean;
  emit<K extends EventName>(name: K, ...args: Parameters<EventListeners[K]>): void;
}

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
        if (name === 'preRequest' || name === 'beforeRetry') args[0] = publish(args[0] as Request) as never;
        else if (name === 'uploadProgress') args[1] = publish(args[1] as Request) as never;
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
