/**
 * `createClient({ node: {…} })` on a runtime that is not Node: the settings this runtime can
 * honour carry over; any other one is refused with a CapabilityError (never silently dropped).
 * Shared by the non-Node transports.
 * @module
 */
import { CapabilityError } from './errors.js';

/** Picks the `node` options `supported` names; throws CapabilityError for the rest. */
export function nodeOptionsFor(
  transport: string,
  node: Readonly<Record<string, unknown>> | undefined,
  supported: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (node === undefined) return out;
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined) continue;
    if (!supported.includes(key))
      throw new CapabilityError(transport, `node.${key}`, `the ${transport} transport cannot do node.${key} (a Node transport option)`);
    out[key] = value;
  }
  return out;
}
