/**
 * `node --import ./test/differential/register.mjs`: every client gets one more user
 * middleware, a pass-through, outermost below the hand-out. With it the compiled chain takes
 * a different path (a plain middleware above the built-in steps, its own continuation), and
 * the suite must give the same results as without it. Loaded after tsx, so its load hook
 * sees tsx's JavaScript and runs first.
 */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
