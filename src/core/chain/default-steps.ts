/**
 * A client's built-in steps, outermost first:
 *
 * ```text
 * processedEvents → timeout → integrity → retry → redirects → cookies → auth → decompress → events → hopTimeouts
 * ```
 *
 * `processedEvents` is outermost so that `dataProcessed` sees the body the caller reads,
 * after every decoder; `integrity` checks the final, decoded body (inside the total
 * deadline, outside retries and redirects); `hopTimeouts` is innermost, timing each hop's
 * phases the transport cannot time itself. Each redirect hop re-enters everything below
 * `redirects`, so cookies, auth and signing apply per hop; each retry re-enters everything
 * below `retry`. Every step idles for most requests (see steps/step.ts).
 * @module
 */
import type { CookieJar } from 'tough-cookie';
import { auth } from '../steps/auth.js';
import { cookies } from '../steps/cookies.js';
import { decompress } from '../steps/decompress.js';
import { events, processedEvents } from '../steps/events.js';
import { integrity } from '../steps/integrity.js';
import { redirects } from '../steps/redirects.js';
import { retry } from '../steps/retry.js';
import { hopTimeouts, timeout } from '../steps/timeout.js';
import type { Decoder, Step } from '../types.js';

/** What the built-in steps of a client are made with. */
export interface DefaultStepsOptions {
  /** The client's cookie jar (none: only per-request cookies). */
  readonly jar: CookieJar | undefined;
  /** The decoders by content-coding (see `decodersFor`). */
  readonly decoders: Readonly<Record<string, Decoder>>;
  /** Whether the transport delivers bodies still encoded (`capabilities.rawBody`). */
  readonly rawBody: boolean;
}

/** The built-in steps of a client, in chain order (below the user's middleware). */
export function defaultSteps(options: DefaultStepsOptions): readonly Step[] {
  return [
    processedEvents(),
    timeout(),
    integrity(),
    retry(),
    redirects(),
    cookies(options.jar),
    auth(),
    decompress({ decoders: options.decoders, rawBody: options.rawBody }),
    events(),
    hopTimeouts(),
  ];
}
