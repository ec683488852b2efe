/**
 * Turns ferry's transport options (proxy, TLS, unix socket) into a `Deno.createHttpClient`
 * call. `Deno` is reached through `globalThis` and typed here with only what ferry uses, so
 * this file typechecks without Deno's types.
 * @module
 */
import { CapabilityError, InvalidOptionError } from '../../core/kit.js';

/** The part of `Deno.HttpClient` ferry uses. */
export interface DenoHttpClient {
  close(): void;
}

type DenoProxy =
  | { transport?: 'http' | 'https' | 'socks5'; url: string; basicAuth?: { username: string; password: string } }
  | { transport: 'unix'; path: string };

/** The `Deno.createHttpClient` options ferry sets. */
export interface DenoHttpClientOptions {
  caCerts?: string[];
  proxy?: DenoProxy;
  cert?: string;
  key?: string;
  http2?: boolean;
}

/** The part of the `Deno` global ferry uses. */
export interface DenoNamespace {
  createHttpClient(options: DenoHttpClientOptions): DenoHttpClient;
  readTextFileSync(path: string): string;
}

/** TLS settings the Deno transport can honour (Deno cannot turn verification off per client). */
export interface DenoTlsOptions {
  /** Extra trusted CA certificates: PEM text, or a path to a PEM file. */
  ca?: string | readonly string[];
  /** Client certificate chain (PEM), with `key`. */
  cert?: string;
  /** Client private key (PEM), with `cert`. */
  key?: string;
  /** Only `true` is possible on Deno (use `--unsafely-ignore-certificate-errors` otherwise). */
  verify?: boolean;
}

/** What decides the Deno HttpClient. */
export interface DenoClientInput {
  proxy?: string | URL | undefined;
  tls?: DenoTlsOptions | undefined;
  socketPath?: string | undefined;
  http2?: boolean | undefined;
}

/** The `Deno` global, or undefined outside Deno. */
export function denoGlobal(): DenoNamespace | undefined {
  const deno = (globalThis as { Deno?: DenoNamespace }).Deno;
  return typeof deno?.createHttpClient === 'function' ? deno : undefined;
}

function pem(deno: DenoNamespace | undefined, value: string, option: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (!deno) throw new InvalidOptionError(option, `${option}: expected PEM text`);
  try {
    return deno.readTextFileSync(value);
  } catch (cause) {
    throw new InvalidOptionError(option, `${option}: cannot read the PEM file ${value}`, { cause });
  }
}

function proxyOf(value: string | URL): DenoProxy {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch (cause) {
    throw new InvalidOptionError('proxy', 'proxy: expected a URL (http:, https:, socks5:, socks5h:)', { cause });
  }
  const scheme = url.protocol.slice(0, -1);
  const transport = scheme === 'socks5' || scheme === 'socks5h' ? 'socks5' : scheme === 'http' || scheme === 'https' ? scheme : null;
  if (transport === null) throw new InvalidOptionError('proxy', `proxy: unsupported proxy scheme ${url.protocol}`);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const out: DenoProxy = { transport, url: url.href.replace(/\/$/, '') };
  if (username !== '' || password !== '') out.basicAuth = { username, password };
  return out;
}

/**
 * Validates the options and returns the `Deno.createHttpClient` options, or null when the
 * default client will do. Throws before any I/O: InvalidOptionError for bad values,
 * CapabilityError for what Deno cannot do.
 */
export function httpClientOptions(input: DenoClientInput, deno: DenoNamespace | undefined): DenoHttpClientOptions | null {
  const out: DenoHttpClientOptions = {};
  let custom = false;
  if (input.proxy !== undefined && input.socketPath !== undefined)
    throw new InvalidOptionError('proxy', 'proxy: cannot be combined with socketPath');
  if (input.proxy !== undefined) {
    out.proxy = proxyOf(input.proxy);
    custom = true;
  }
  if (input.socketPath !== undefined) {
    if (typeof input.socketPath !== 'string' || input.socketPath === '')
      throw new InvalidOptionError('socketPath', 'socketPath: expected a path');
    out.proxy = { transport: 'unix', path: input.socketPath };
    custom = true;
  }
  const tls = input.tls;
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) throw new InvalidOptionError('tls', 'tls: expected { ca, cert, key, verify }');
    for (const key of Object.keys(tls)) {
      if (key === 'ca' || key === 'cert' || key === 'key' || key === 'verify') continue;
      throw new CapabilityError(
        'deno',
        `tls.${key}`,
        `the deno transport cannot do tls.${key} (Deno.createHttpClient has no such setting)`,
      );
    }
    if (tls.verify === false)
      throw new CapabilityError(
        'deno',
        'tls.verify',
        'the deno transport cannot turn certificate verification off per client (pass tls.ca, or run Deno with --unsafely-ignore-certificate-errors)',
      );
    if (tls.ca !== undefined) {
      const list = typeof tls.ca === 'string' ? [tls.ca] : [...tls.ca];
      out.caCerts = list.map((c, i) => pem(deno, c, `tls.ca[${i}]`));
      custom = true;
    }
    if ((tls.cert === undefined) !== (tls.key === undefined))
      throw new InvalidOptionError('tls.cert', 'tls.cert: a client certificate needs both cert and key');
    if (tls.cert !== undefined && tls.key !== undefined) {
      out.cert = pem(deno, tls.cert, 'tls.cert');
      out.key = pem(deno, tls.key, 'tls.key');
      custom = true;
    }
  }
  if (input.http2 !== undefined) {
    out.http2 = input.http2;
    custom = true;
  }
  return custom ? out : null;
}
