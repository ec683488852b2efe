/**
 * Subresource Integrity (W3C SRI) over bytes, with `crypto.subtle`: parses integrity metadata
 * (`sha256-… sha384-…?opt`), keeps the strongest algorithm present and matches if any of its
 * digests equals the body's. Padding is optional and base64url is accepted, as in the
 * platforms' fetch (web-platform-tests ask for that leniency).
 * @module
 */

/** The SRI hash algorithms, weakest first. */
const algorithms = ['sha256', 'sha384', 'sha512'] as const;

/** An SRI hash algorithm token. */
export type IntegrityAlgorithm = (typeof algorithms)[number];

/** One `alg-value` item of integrity metadata. */
export interface IntegrityItem {
  readonly algorithm: IntegrityAlgorithm;
  /** The expected digest as written (base64 or base64url, padding optional). */
  readonly value: string;
}

/** A digest as written: base64 or base64url, padding optional (Chromium skips other items). */
const digestText = /^[A-Za-z0-9+/_-]+={0,2}$/;

const digestName: Record<IntegrityAlgorithm, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/**
 * The items of `metadata` with a known algorithm (tokens split on ASCII whitespace, `?options`
 * dropped, algorithm names compared case-insensitively). Unknown algorithms and malformed
 * tokens (no `-`, an empty or non-base64 digest) are skipped, as Chromium does; an empty
 * result means "nothing to check" (fetch then lets it pass).
 * @example
 * parseIntegrity('sha256-abc sha512-def?x md5-zz'); // [{ algorithm: 'sha256', value: 'abc' }, { algorithm: 'sha512', value: 'def' }]
 */
export function parseIntegrity(metadata: string): IntegrityItem[] {
  const out: IntegrityItem[] = [];
  for (const token of metadata.split(/[\t\n\f\r ]+/)) {
    if (token === '') continue;
    const q = token.indexOf('?');
    const expression = q === -1 ? token : token.slice(0, q);
    const dash = expression.indexOf('-');
    if (dash === -1) continue;
    const algorithm = expression.slice(0, dash).toLowerCase() as IntegrityAlgorithm;
    const value = expression.slice(dash + 1);
    if (!algorithms.includes(algorithm) || !digestText.test(value)) continue;
    out.push({ algorithm, value });
  }
  return out;
}

/** The items of the strongest algorithm among `items` (which must not be empty). */
export function strongestIntegrity(items: readonly IntegrityItem[]): IntegrityItem[] {
  let best = -1;
  for (const item of items) best = Math.max(best, algorithms.indexOf(item.algorithm));
  return items.filter((item) => algorithms.indexOf(item.algorithm) === best);
}

function unpadded(s: string): string {
  let end = s.length;
  if (end > 0 && s[end - 1] === '=') end--;
  if (end > 0 && s[end - 1] === '=') end--;
  return s.slice(0, end);
}

/** Whether `expected` (base64 or base64url) names the digest `actual` (base64). */
function sameDigest(actual: string, expected: string): boolean {
  const a = unpadded(actual);
  const e = unpadded(expected);
  if (a.length !== e.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    if (x === y || (x === '+' && y === '-') || (x === '/' && y === '_')) continue;
    return false;
  }
  return true;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary);
}

/** The base64 digest of `bytes` under `algorithm`; throws where `crypto.subtle` is missing. */
export async function integrityDigest(algorithm: IntegrityAlgorithm, bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) throw new Error('crypto.subtle is not available here (not a secure context?)');
  return base64(new Uint8Array(await subtle.digest(digestName[algorithm], bytes as Uint8Array<ArrayBuffer>)));
}

/**
 * Whether `bytes` match the strongest-algorithm items of `items` (non-empty, from
 * `parseIntegrity`): true when any of them names the body's digest.
 * @example
 * await matchIntegrity(new TextEncoder().encode('hello'), parseIntegrity('sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ='));
 */
export async function matchIntegrity(bytes: Uint8Array, items: readonly IntegrityItem[]): Promise<boolean> {
  const strongest = strongestIntegrity(items);
  const actual = await integrityDigest((strongest[0] as IntegrityItem).algorithm, bytes);
  return strongest.some((item) => sameDigest(actual, item.value));
}
