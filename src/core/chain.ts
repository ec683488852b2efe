/**
 * The default middleware chain, outermost first:
 * `timeout → retry → redirects → cookies → auth → decompress → events → transport`,
 * with two small helpers from issue 6 at the ends: `processedEvents` outermost (emits
 * `dataProcessed` on the body the caller reads, after decoding) and `hopTimeouts` innermost
 * (per-hop phase timeouts the transport cannot enforce itself), and `integrity` (issue 8)
 * between `timeout` and `retry`: it verifies the final, decoded body against the request's
 * `integrity` where the platform does not.
 * Each redirect hop re-enters everything below `redirects`, so cookies, auth and signing are
 * applied per hop. `redirects`, `cookies`, `auth` and `decompress` come as one middleware
 * (`hopSteps`) that behaves as the four in a row and costs one continuation when they idle.
 * Each factory runs once per client; each middleware costs nothing when its feature is idle
 * for a request.
 * @module
 */
import type { ClientInternals } from './client.js';
import { events, processedEvents } from './middleware/events.js';
import { hopSteps } from './middleware/hop-steps.js';
import { integrity } from './middleware/integrity.js';
import { retry } from './middleware/retry.js';
import { hopTimeouts, timeout } from './middleware/timeout.js';
import type { Middleware } from './middleware.js';

/** The built-in middleware for a client, in chain order. */
export function defaultMiddleware(client: ClientInternals): Middleware[] {
  return [
    processedEvents(),
    timeout(),
    integrity(),
    retry(),
    // redirects → cookies → auth → decompress, sharing one continuation when idle
    hopSteps(client),
    events(),
    hopTimeouts(),
  ];
}
