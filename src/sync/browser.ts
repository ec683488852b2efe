/**
 * @module ferry/sync (browser build) — a sync client cannot exist in a browser: blocking the
 * main thread is forbidden and there are no worker threads to block on.
 */
import { CapabilityError } from '../core/kit.js';

/**
 * Always throws CapabilityError: the sync client needs Node, Deno or Bun.
 * @example
 * try { createSyncClient() } catch (e) { e.code === 'ERR_CAPABILITY' }
 */
export function createSyncClient(_options?: unknown): never {
  throw new CapabilityError('browser', 'sync', 'a sync client needs worker threads and Atomics.wait (Node, Deno, Bun), not a browser');
}
