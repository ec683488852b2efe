/**
 * TLS policy: turns ferry's `NodeTlsOptions` into Node `tls.connect` options, and gives each
 * distinct setting a key so pools are shared only between requests under the same TLS settings.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { InvalidOptionError } from '../../core/kit.js';
import type { NodeTlsOptions, NodeTlsPolicy } from './node-options.js';

type Pem = string | Uint8Array | readonly (string | Uint8Array)[];

function looksLikePem(s: string): boolean {
  return s.includes('-----BEGIN');
}

/** Reads a CA bundle file, or every certificate file of a directory. */
function readCaPath(path: string): string[] {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new InvalidOptionError('node.tls.verify', `node.tls.verify: no CA file or directory at ${path}`);
  }
  if (!st.isDirectory()) return [readFileSync(path, 'utf8')];
  const pems: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const file = join(path, name);
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    if (looksLikePem(text)) pems.push(text);
  }
  if (pems.length === 0) throw new InvalidOptionError('node.tls.verify', `node.tls.verify: no PEM certificates in ${path}`);
  return pems;
}

function pemList(p: Pem): (string | Buffer)[] {
  const list = Array.isArray(p) ? (p as readonly (string | Uint8Array)[]) : [p as string | Uint8Array];
  return list.map((x) => (typeof x === 'string' ? x : Buffer.from(x.buffer, x.byteOffset, x.byteLength)));
}

/** Node `tls.connect` options for `tls` (undefined: Node's defaults, verification on). */
export function tlsConnectOptions(tls: NodeTlsOptions | null | undefined): ConnectionOptions | undefined {
  if (!tls) return undefined;
  const out: ConnectionOptions = {};
  const { verify } = tls;
  if (verify === false) out.rejectUnauthorized = false;
  else if (typeof verify === 'string') out.ca = looksLikePem(verify) ? [verify] : readCaPath(verify);
  else if (verify instanceof Uint8Array) out.ca = pemList(verify);
  if (tls.ca !== undefined) out.ca = [...((out.ca as (string | Buffer)[] | undefined) ?? []), ...pemList(tls.ca)];
  if (tls.cert !== undefined) out.cert = pemList(tls.cert);
  if (tls.key !== undefined) out.key = pemList(tls.key);
  if (tls.passphrase !== undefined) out.passphrase = tls.passphrase;
  if (tls.servername !== undefined) out.servername = tls.servername;
  if (tls.minVersion !== undefined) out.minVersion = tls.minVersion;
  if (tls.maxVersion !== undefined) out.maxVersion = tls.maxVersion;
  if (tls.ciphers !== undefined) out.ciphers = tls.ciphers;
  const check = tls.checkServerIdentity;
  if (check !== undefined) {
    // Its refusal is a TLS failure (TLSError), whatever error object it returned.
    out.checkServerIdentity = (host, cert) => {
      const refused = check(host, cert);
      if (refused === undefined) return undefined;
      return Object.assign(new Error(refused.message, { cause: refused }), { code: 'ERR_TLS_SERVER_IDENTITY' });
    };
  }
  return out;
}

const fnIds = new WeakMap<object, number>();
let nextFnId = 1;

/** A stable key for TLS settings: equal settings share a pool, different ones never do. */
export function tlsKey(tls: NodeTlsOptions | null | undefined): string {
  if (!tls) return '';
  return JSON.stringify(tls, (_k, v: unknown) => {
    if (typeof v === 'function') {
      let id = fnIds.get(v);
      if (id === undefined) fnIds.set(v, (id = nextFnId++));
      return `fn#${id}`;
    }
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}`;
    return v;
  });
}

/** The TLS settings in force for `host:port` under `policy`. */
export function tlsFor(policy: NodeTlsPolicy | undefined, host: string, port: number): NodeTlsOptions | null | undefined {
  return typeof policy === 'function' ? policy(host, port) : policy;
}
