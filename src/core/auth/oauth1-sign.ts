/**
 * OAuth 1.0 signing primitives (RFC 5849 §3.4–3.6): percent-encoding, the signature base
 * string and the four signature methods, on WebCrypto.
 * @module
 */
import { toBase64 } from '../util/encoding.js';

/** The signature methods ferry implements. */
export type OAuth1SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256' | 'PLAINTEXT' | 'RSA-SHA1';

/**
 * RFC 5849 §3.6: UTF-8, then every byte outside ALPHA / DIGIT / "-" / "." / "_" / "~" as %XX.
 * @example
 * oauthEncode("it's €5!"); // 'it%27s%20%E2%82%AC5%21'
 */
export function oauthEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** §3.4.1.2: scheme and host lower-case, default port omitted, path as sent, no query. */
export function baseStringURI(url: URL): string {
  // WHATWG URL already lower-cases scheme and host and drops a default port.
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Name/value pairs of an `application/x-www-form-urlencoded` string (§3.4.1.3.1). */
export function formPairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of new URLSearchParams(text)) out.push([k, v]);
  return out;
}

/** §3.4.1.3.2: encode, sort by name then value, join. */
export function normalizeParameters(pairs: readonly (readonly [string, string])[]): string {
  const encoded = pairs.map(([k, v]) => [oauthEncode(k), oauthEncode(v)] as const);
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * §3.4.1.1: METHOD&encode(base URI)&encode(normalized parameters). `pairs` holds every
 * parameter to sign (query, form body, oauth_* except oauth_signature), decoded.
 * @example
 * signatureBaseString('GET', new URL('http://127.0.0.1/photos?size=original'), [['size', 'original'], ['oauth_nonce', 'n']]);
 * // 'GET&http%3A%2F%2F127.0.0.1%2Fphotos&oauth_nonce%3Dn%26size%3Doriginal'
 */
export function signatureBaseString(method: string, url: URL, pairs: readonly (readonly [string, string])[]): string {
  return `${method.toUpperCase()}&${oauthEncode(baseStringURI(url))}&${oauthEncode(normalizeParameters(pairs))}`;
}

const encoder = new TextEncoder();

/** Imports a PKCS#8 private key (PEM text or DER bytes) for RSASSA-PKCS1-v1_5 with SHA-1. */
export function importRsaSha1Key(pem: string | Uint8Array): Promise<CryptoKey> {
  let der: Uint8Array;
  if (typeof pem === 'string') {
    if (/BEGIN RSA PRIVATE KEY/.test(pem))
      throw new TypeError('RSA-SHA1 needs a PKCS#8 key ("BEGIN PRIVATE KEY"); convert with `openssl pkcs8 -topk8 -nocrypt`');
    const b64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
    der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } else der = pem;
  return crypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, false, ['sign']);
}

/** A signer for one method and set of secrets; HMAC and RSA keys are imported once. */
export function createSigner(
  method: OAuth1SignatureMethod,
  consumerSecret: string,
  tokenSecret: string,
  rsaKey: (() => Promise<CryptoKey>) | undefined,
): (base: string) => Promise<string> {
  const secret = `${oauthEncode(consumerSecret)}&${oauthEncode(tokenSecret)}`;
  if (method === 'PLAINTEXT') return async () => secret;
  if (method === 'RSA-SHA1') {
    if (!rsaKey) throw new TypeError('RSA-SHA1 needs privateKey');
    let key: Promise<CryptoKey> | undefined;
    return async (base) => {
      key ??= rsaKey();
      return toBase64(new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await key, encoder.encode(base))));
    };
  }
  const hash = method === 'HMAC-SHA1' ? 'SHA-1' : 'SHA-256';
  let key: Promise<CryptoKey> | undefined;
  return async (base) => {
    key ??= crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
    return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(base))));
  };
}
