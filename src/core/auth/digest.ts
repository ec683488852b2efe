/**
 * HTTP Digest authentication: RFC 7616 (SHA-256, SHA-512-256, userhash, username*) and
 * RFC 2617 (MD5, MD5-sess, the legacy form without qop).
 * @module
 */
import { streamOfBody } from '../message/body.js';
import { markReadsRequestParts } from '../message/reads-request-parts.js';
import { derive, requestParts } from '../message/request-parts.js';
import { responseHeader } from '../message/response-parts.js';
import type { AuthFlow, AuthScheme } from '../types.js';
import { randomBytes, toHex } from '../util/encoding.js';
import { InvalidOptionError } from '../util/errors.js';
import { type Challenge, parseChallenges } from './challenge.js';
import { md5 } from './md5.js';
import { type SchemeScope, scopeOrigins } from './scheme.js';
import { sha512t256 } from './sha512-256.js';
import { withHeader } from './with-header.js';

type Hash = (data: Uint8Array) => Promise<Uint8Array>;

const hashes: Readonly<Record<string, { readonly rank: number; readonly hash: Hash }>> = {
  md5: { rank: 1, hash: async (d) => md5(d) },
  'sha-256': { rank: 2, hash: async (d) => new Uint8Array(await crypto.subtle.digest('SHA-256', d as Uint8Array<ArrayBuffer>)) },
  'sha-512-256': { rank: 3, hash: async (d) => sha512t256(d) },
};

const encoder = new TextEncoder();

/** A digest challenge reduced to what an answer needs. */
interface DigestChallenge {
  readonly realm: string;
  nonce: string;
  readonly opaque: string | undefined;
  /** As the server spelt it (echoed back), or undefined when it sent none (MD5). */
  readonly algorithm: string | undefined;
  readonly hash: Hash;
  readonly rank: number;
  readonly sess: boolean;
  /** 'auth' | 'auth-int' | undefined (RFC 2069 legacy). */
  readonly qop: 'auth' | 'auth-int' | undefined;
  readonly userhash: boolean;
  readonly stale: boolean;
  /** Path prefixes of the protection space, or null for the whole origin. */
  readonly domain: readonly string[] | null;
}

function reduce(c: Challenge, url: URL, canHashBody: boolean): DigestChallenge | null {
  if (c.scheme !== 'digest') return null;
  const { realm, nonce } = c.params;
  if (realm === undefined || nonce === undefined) return null;
  const name = (c.params.algorithm ?? 'MD5').toLowerCase();
  const sess = name.endsWith('-sess');
  const known = hashes[sess ? name.slice(0, -5) : name];
  if (!known) return null;
  let qop: DigestChallenge['qop'];
  if (c.params.qop !== undefined) {
    const offered = c.params.qop.split(',').map((q) => q.trim().toLowerCase());
    if (offered.includes('auth')) qop = 'auth';
    else if (offered.includes('auth-int') && canHashBody) qop = 'auth-int';
    else return null;
  }
  let domain: string[] | null = null;
  if (c.params.domain) {
    domain = [];
    for (const d of c.params.domain.split(/\s+/)) {
      try {
        const u = new URL(d, url);
        if (u.origin === url.origin) domain.push(u.pathname);
      } catch {
        /* an unparsable entry protects nothing */
      }
    }
  }
  return {
    realm,
    nonce,
    opaque: c.params.opaque,
    algorithm: c.params.algorithm,
    hash: known.hash,
    rank: known.rank,
    sess,
    qop,
    userhash: c.params.userhash?.toLowerCase() === 'true',
    stale: c.params.stale?.toLowerCase() === 'true',
    domain,
  };
}

/** The strongest supported digest challenge of a 401, or null. Ties go to the first offered. */
function pick(response: Response, url: URL, canHashBody: boolean): DigestChallenge | null {
  let best: DigestChallenge | null = null;
  for (const c of parseChallenges(responseHeader(response, 'www-authenticate'))) {
    const d = reduce(c, url, canHashBody);
    if (d && (best === null || d.rank > best.rank)) best = d;
  }
  return best;
}

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** RFC 5987 ext-value for `username*`. */
function extValue(s: string): string {
  return `UTF-8''${encodeURIComponent(s).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

async function bodyBytes(request: Request): Promise<Uint8Array> {
  const body = requestParts(request).body;
  if (body === null) return new Uint8Array(0);
  const copy = body.replay?.();
  if (!copy) throw new InvalidOptionError('body', 'body: auth-int needs a replayable body');
  if (typeof copy.source === 'string') return encoder.encode(copy.source);
  if (copy.source instanceof Uint8Array) return copy.source;
  return new Uint8Array(await new Response(streamOfBody(copy)).arrayBuffer());
}

/** Options for `digestAuth`. */
export interface DigestOptions extends SchemeScope {
  /** Reuse the last challenge of a protection space for later requests (default true). */
  readonly preemptive?: boolean;
  /** The client nonce source (default 16 random bytes in hex); for reproducing test vectors. */
  readonly cnonce?: () => string;
}

interface Space {
  readonly challenge: DigestChallenge;
}

/**
 * Digest auth (RFC 7616, RFC 2617): answers a `401` digest challenge once, picking the
 * strongest algorithm offered (SHA-512-256 > SHA-256 > MD5, each also `-sess`); qop `auth`,
 * `auth-int` (hashes the body, which must then be replayable) or the legacy form; `nc` counted
 * per nonce; `cnonce` from `crypto.getRandomValues`; `opaque` echoed; `userhash`; a
 * `stale=true` challenge is answered again with the new nonce. A wrong password returns the
 * second 401. The last challenge of a protection space answers later requests up front.
 * @example
 * const client = createClient({ auth: digestAuth('Mufasa', 'Circle of Life') });
 * const res = await client.get('http://127.0.0.1:8080/dir/index.html');
 */
export function digestAuth(user: string, pass: string, options: DigestOptions = {}): AuthScheme {
  if (typeof user !== 'string' || typeof pass !== 'string')
    throw new InvalidOptionError('auth', 'auth: digestAuth needs a user and a password string');
  const origins = scopeOrigins(options);
  const preemptive = options.preemptive ?? true;
  const makeCnonce = options.cnonce ?? ((): string => toHex(randomBytes(16)));
  const counts = new Map<string, number>();
  const spaces = new Map<string, Space[]>();

  const H = async (c: DigestChallenge, s: string): Promise<string> => toHex(await c.hash(encoder.encode(s)));

  const lookup = (url: URL): DigestChallenge | undefined => {
    for (const s of spaces.get(url.origin) ?? []) {
      const d = s.challenge.domain;
      if (d === null || d.some((prefix) => url.pathname.startsWith(prefix))) return s.challenge;
    }
    return undefined;
  };
  const remember = (url: URL, c: DigestChallenge): void => {
    const list = (spaces.get(url.origin) ?? []).filter((s) => s.challenge.realm !== c.realm);
    list.unshift({ challenge: c });
    spaces.set(url.origin, list.slice(0, 8));
  };
  const forget = (url: URL, c: DigestChallenge): void => {
    const list = spaces.get(url.origin)?.filter((s) => s.challenge !== c);
    if (list) spaces.set(url.origin, list);
  };
  const nextCount = (nonce: string): number => {
    const n = (counts.get(nonce) ?? 0) + 1;
    counts.delete(nonce);
    counts.set(nonce, n);
    if (counts.size > 256) counts.delete(counts.keys().next().value as string);
    return n;
  };

  const answer = async (request: Request, c: DigestChallenge): Promise<Request> => {
    const { url, method } = requestParts(request);
    const uri = url.pathname + url.search;
    const cnonce = makeCnonce();
    const nc = nextCount(c.nonce).toString(16).padStart(8, '0');
    let ha1 = await H(c, `${user}:${c.realm}:${pass}`);
    if (c.sess) ha1 = await H(c, `${ha1}:${c.nonce}:${cnonce}`);
    let a2 = `${method}:${uri}`;
    if (c.qop === 'auth-int') a2 += `:${toHex(await c.hash(await bodyBytes(request)))}`;
    const ha2 = await H(c, a2);
    const response = c.qop ? await H(c, `${ha1}:${c.nonce}:${nc}:${cnonce}:${c.qop}:${ha2}`) : await H(c, `${ha1}:${c.nonce}:${ha2}`);
    const parts: string[] = [];
    if (c.userhash) parts.push(`username=${quote(await H(c, `${user}:${c.realm}`))}`);
    else if (/^[\x20-\x7e]*$/.test(user)) parts.push(`username=${quote(user)}`);
    else parts.push(`username*=${extValue(user)}`);
    parts.push(`realm=${quote(c.realm)}`, `nonce=${quote(c.nonce)}`, `uri=${quote(uri)}`);
    if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
    parts.push(`response=${quote(response)}`);
    if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
    if (c.qop || c.sess) parts.push(`cnonce=${quote(cnonce)}`);
    if (c.qop) parts.push(`qop=${c.qop}`, `nc=${nc}`);
    if (c.userhash) parts.push('userhash=true');
    return withHeader(request, 'authorization', `Digest ${parts.join(', ')}`);
  };

  return markReadsRequestParts({
    scheme: 'digest',
    requiresBody: true,
    ...(origins ? { origins } : {}),
    async *flow(request): AuthFlow {
      const { url, body } = requestParts(request);
      const canHashBody = body === null || body.replay !== null;
      let current = preemptive ? lookup(url) : undefined;
      if (current?.qop === 'auth-int' && !canHashBody) current = undefined;
      let response = yield current ? await answer(request, current) : derive(request, {});
      let fresh = 0;
      let stale = 0;
      while (response.status === 401) {
        const c = pick(response, url, canHashBody);
        if (c === null) break;
        if (current && c.stale) {
          if (++stale > 2) break;
        } else if (++fresh > 1) break; // a wrong password: the 401 goes back to the caller
        current = c;
        response = yield await answer(request, c);
      }
      if (!current) return;
      if (response.status === 401) {
        forget(url, current);
        return;
      }
      const next = parseChallenges(`Digest ${responseHeader(response, 'authentication-info') ?? ''}`)[0]?.params.nextnonce;
      if (next) current.nonce = next;
      if (preemptive) remember(url, current);
    },
  });
}
