/**
 * The names of the exchange events (see `EventListeners` in types.ts for their listeners).
 * @module
 */
import type { EventName } from '../types.js';

/** Every event name, in the order the docs list them. */
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
