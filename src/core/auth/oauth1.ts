/**
 * OAuth 1.0 request signing (RFC 5849): HMAC-SHA1, HMAC-SHA256, PLAINTEXT and RSA-SHA1, with
 * the protocol parameters in the Authorization header (default), the query or a form body.
 * Every hop is signed afresh (new nonce and timestamp, the hop's own URL and method).
 * @module
 */
import { bodyFromInput, streamOfBody } from '../message/body.js';
import { markReadsRequestParts } from '../message/reads-request-parts.js';
import { derive, headerList, requestParts } from '../message/request-parts.js';
import type { AuthFlow, AuthScheme } from '../types.js';
import { randomBytes, toHex } from '../util/encoding.js';
import { AuthError, describe, InvalidOptionError } from '../util/errors.js';
import { headerValue } from '../util/headers.js';
import { createSigner, formPairs, importRsaSha1Key, type OAuth1SignatureMethod, oauthEncode, signatureBaseString } from './oauth1-sign.js';
import { type SchemeScope, scopeOrigins } from './scheme.js';

export type { OAuth1SignatureMethod } from './oauth1-sign.js';

/** Options for `oauth1()`. */
export interface OAuth1Options extends SchemeScope {
  readonly consumerKey: string;
  /** Not used by RSA-SHA1. */
  readonly consumerSecret?: string;
  readonly token?: string;
  readonly tokenSecret?: string;
  /** Default 'HMAC-SHA1'. */
  readonly signatureMethod?: OAuth1SignatureMethod;
  /** RSA-SHA1: a PKCS#8 private key (PEM text, DER bytes) or a WebCrypto RSASSA-PKCS1-v1_5/SHA-1 key. */
  readonly privateKey?: string | Uint8Array | CryptoKey;
  readonly realm?: string;
  /** `oauth_callback` (temporary credentials request). */
  readonly callback?: string;
  /** `oauth_verifier` (token credentials request). */
  readonly verifier?: string;
  /**
   * Where the protocol parameters go (§3.5): 'header' (default), 'query' or 'body' (a form
   * body; a redirected hop without one, e.g. after a 303, uses the query).
   */
  readonly placement?: 'header' | 'query' | 'body';
  /** Send `oauth_version="1.0"` (default true; the parameter is optional). */
  readonly version?: boolean;
  /** Nonce source (default 12 random bytes in hex: 24 characters, inside common server limits); for reproducing test vectors. */
  readonly nonce?: () => string;
  /** Timestamp source in seconds (default now); for reproducing test vectors. */
  readonly timestamp?: () => number | string;
}

const methods: readonly OAuth1SignatureMethod[] = ['HMAC-SHA1', 'HMAC-SHA256', 'PLAINTEXT', 'RSA-SHA1'];
const formType = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const hopKey = 'ferry.oauth1.hop';

function fail(what: string): never {
  throw new InvalidOptionError('auth', `auth: oauth1 ${what}`);
}

async function bodyText(request: Request): Promise<string | null> {
  const body = requestParts(request).body;
  if (body === null) return '';
  if (typeof body.source === 'string') return body.source;
  const copy = body.replay?.();
  if (!copy) return null;
  if (typeof copy.source === 'string') return copy.source;
  return new Response(streamOfBody(copy)).text();
}

/**
 * OAuth 1.0 (RFC 5849) signing. The signature base string covers the method, the hop's URL,
 * its query parameters and, for `application/x-www-form-urlencoded` bodies, the body
 * parameters.
 * @example
 * const client = createClient({
 *   auth: oauth1({ consumerKey: 'key', consumerSecret: 'secret', token: 'tok', tokenSecret: 'tsecret' }),
 * });
 * await client.post('http://127.0.0.1:8080/statuses', { form: { status: 'hi' } });
 */
export function oauth1(options: OAuth1Options): AuthScheme {
  if (typeof options !== 'object' || options === null) fail('expects { consumerKey, consumerSecret, … }');
  const { consumerKey, token, realm, callback, verifier } = options;
  const signatureMethod = options.signatureMethod ?? 'HMAC-SHA1';
  const placement = options.placement ?? 'header';
  if (typeof consumerKey !== 'string' || consumerKey === '') fail('needs consumerKey');
  if (!methods.includes(signatureMethod)) fail(`signatureMethod must be one of ${methods.join(', ')}`);
  if (!['header', 'query', 'body'].includes(placement)) fail('placement must be header, query or body');
  if (signatureMethod === 'RSA-SHA1' && options.privateKey === undefined) fail('RSA-SHA1 needs privateKey');
  if (signatureMethod !== 'RSA-SHA1' && typeof options.consumerSecret !== 'string') fail(`${signatureMethod} needs consumerSecret`);
  const { privateKey } = options;
  if (typeof privateKey === 'string' && !/-----BEGIN PRIVATE KEY-----/.test(privateKey))
    fail('RSA-SHA1 needs a PKCS#8 PEM key ("BEGIN PRIVATE KEY"); convert a PKCS#1 key with `openssl pkcs8 -topk8 -nocrypt`');
  const rsaKey =
    privateKey === undefined
      ? undefined
      : typeof privateKey === 'string' || privateKey instanceof Uint8Array
        ? () => importRsaSha1Key(privateKey)
        : async () => privateKey;
  const sign = createSigner(signatureMethod, options.consumerSecret ?? '', options.tokenSecret ?? '', rsaKey);
  const makeNonce = options.nonce ?? ((): string => toHex(randomBytes(12)));
  const makeTimestamp = options.timestamp ?? ((): number => Math.floor(Date.now() / 1000));
  const origins = scopeOrigins(options);

  return markReadsRequestParts({
    scheme: 'oauth1',
    ...(origins ? { origins } : {}),
    async *flow(request, ctx): AuthFlow {
      const { url, method, body } = requestParts(request);
      const headers = headerList(request);
      const contentType = headerValue(headers, 'content-type');
      const isForm = body !== null && contentType !== null && formType.test(contentType);
      const hop = typeof ctx.state[hopKey] === 'number' ? (ctx.state[hopKey] as number) : 0;
      ctx.state[hopKey] = hop + 1;
      let where = placement;
      if (where === 'body' && !isForm && !(body === null && method !== 'GET' && method !== 'HEAD')) {
        // The request itself must fit; a later hop that cannot (a 303 turned the POST into a
        // GET) carries the parameters in its query instead.
        if (hop === 0) throw new AuthError(describe('oauth1 placement "body" needs an application/x-www-form-urlencoded body', request));
        where = 'query';
      }

      const oauth: [string, string][] = [['oauth_consumer_key', consumerKey]];
      if (token !== undefined) oauth.push(['oauth_token', token]);
      oauth.push(['oauth_signature_method', signatureMethod], ['oauth_timestamp', String(makeTimestamp())], ['oauth_nonce', makeNonce()]);
      if (options.version ?? true) oauth.push(['oauth_version', '1.0']);
      if (callback !== undefined) oauth.push(['oauth_callback', callback]);
      if (verifier !== undefined) oauth.push(['oauth_verifier', verifier]);

      const pairs: [string, string][] = [...formPairs(url.search), ...oauth];
      let text = '';
      if (isForm) {
        const read = await bodyText(request);
        if (read === null)
          throw new AuthError(describe('oauth1 signs form bodies, so the body must be replayable (not a one-shot stream)', request));
        text = read;
        pairs.push(...formPairs(text));
      }
      let signature: string;
      try {
        signature = await sign(signatureBaseString(method, url, pairs));
      } catch (cause) {
        throw new AuthError(describe(`oauth1 could not sign with ${signatureMethod}`, request), undefined, { cause, request });
      }
      oauth.push(['oauth_signature', signature]);
      const encoded = oauth.map(([k, v]) => `${oauthEncode(k)}=${oauthEncode(v)}`).join('&');

      if (where === 'header') {
        const fields = oauth.map(([k, v]) => `${oauthEncode(k)}="${oauthEncode(v)}"`);
        if (realm !== undefined) fields.unshift(`realm="${realm.replace(/[\\"]/g, '\\$&')}"`);
        const out = headers.filter(([n]) => n !== 'authorization');
        out.push(['authorization', `OAuth ${fields.join(', ')}`]);
        yield derive(request, { headers: out });
      } else if (where === 'query') {
        const signed = new URL(url.href);
        signed.search = url.search === '' || url.search === '?' ? encoded : `${url.search.slice(1)}&${encoded}`;
        yield derive(request, { url: signed });
      } else {
        const out = headers.filter(([n]) => n !== 'content-type' && n !== 'content-length');
        out.push(['content-type', contentType ?? 'application/x-www-form-urlencoded']);
        yield derive(request, { headers: out, body: bodyFromInput(text === '' ? encoded : `${text}&${encoded}`) });
      }
    },
  });
}
