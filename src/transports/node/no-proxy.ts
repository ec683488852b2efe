/**
 * Proxy choice: the `proxy` option, the proxy environment variables and NO_PROXY matching.
 * @module
 */
import { InvalidOptionError } from '../../core/kit.js';
import type { NodeProxyOption } from './node-options.js';

interface NoProxyEntry {
  /** Lower-case host without brackets; '' for `*`. */
  readonly host: string;
  /** Subdomains only (`.example.com`, `*.example.com`). */
  readonly suffix: boolean;
  readonly port: string | null;
}

/** A parsed NO_PROXY list. */
export type NoProxyList = readonly NoProxyEntry[];

function parseEntry(raw: string): NoProxyEntry | null {
  let s = raw.trim().toLowerCase();
  if (s === '') return null;
  if (s === '*') return { host: '', suffix: false, port: null };
  let port: string | null = null;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    const rest = s.slice(end + 1);
    if (rest.startsWith(':')) port = rest.slice(1);
    s = s.slice(1, end);
  } else {
    const colon = s.indexOf(':');
    // One colon: host:port; several: a bare IPv6 address.
    if (colon >= 0 && colon === s.lastIndexOf(':')) {
      port = s.slice(colon + 1);
      s = s.slice(0, colon);
    }
  }
  let suffix = false;
  if (s.startsWith('*.')) {
    s = s.slice(1);
  }
  if (s.startsWith('.')) {
    suffix = true;
    s = s.slice(1);
  }
  return { host: s, suffix, port: port || null };
}

/**
 * Parses NO_PROXY: comma- or space-separated entries. `*` matches everything; a plain host
 * matches itself and its subdomains (as curl and Go do); `.example.com` and `*.example.com`
 * match subdomains only; `host:port` and `[v6]:port` match that port only; IPv4 and IPv6
 * addresses match exactly; `localhost` also matches the loopback addresses (127.0.0.0/8, ::1).
 * @example
 * isNoProxy(new URL('http://api.internal.test/'), parseNoProxy('localhost,.internal.test')) // true
 */
export function parseNoProxy(value: string | readonly string[] | undefined): NoProxyList {
  if (value === undefined) return [];
  const raw = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  const out: NoProxyEntry[] = [];
  for (const r of raw) {
    const e = parseEntry(r);
    if (e) out.push(e);
  }
  return out;
}

/** Whether `url` bypasses the proxy under `list`. */
export function isNoProxy(url: URL, list: NoProxyList): boolean {
  if (list.length === 0) return false;
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const e of list) {
    if (e.port !== null && e.port !== port) continue;
    if (e.host === '') return true;
    if (e.host === 'localhost' && (host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) return true;
    if (e.suffix ? host.endsWith(`.${e.host}`) : host === e.host || host.endsWith(`.${e.host}`)) return true;
  }
  return false;
}

/** A function choosing the proxy URL for a request URL, or null when nothing is proxied. */
export type ProxyChooser = (url: URL) => URL | null;

const schemes = new Set(['http:', 'https:', 'socks5:', 'socks5h:', 'socks:']);

/** Parses and checks a proxy URL. The message never repeats the URL (it may hold credentials). */
export function parseProxyUrl(value: string | URL, where: string): URL {
  let url: URL;
  try {
    url = typeof value === 'string' ? new URL(value.includes('://') ? value : `http://${value}`) : value;
  } catch {
    throw new InvalidOptionError(where, `${where}: not a valid proxy URL`);
  }
  if (!schemes.has(url.protocol)) throw new InvalidOptionError(where, `${where}: unsupported proxy scheme ${url.protocol}`);
  return url;
}

function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The proxy chooser for the transport options (null: never proxied, the fast path). */
export function proxyChooser(
  options: { proxy?: NodeProxyOption | undefined; proxyFromEnv?: boolean | undefined; noProxy?: string | readonly string[] | undefined },
  env: Record<string, string | undefined>,
): ProxyChooser | null {
  const { proxy } = options;
  let noProxy = parseNoProxy(options.noProxy);
  if (proxy !== undefined) {
    if (typeof proxy === 'function') {
      return (url) => {
        if (isNoProxy(url, noProxy)) return null;
        const p = proxy(url);
        return p == null || p === '' ? null : parseProxyUrl(p, 'node.proxy()');
      };
    }
    const fixed = parseProxyUrl(proxy, 'node.proxy');
    return (url) => (isNoProxy(url, noProxy) ? null : fixed);
  }
  if (!options.proxyFromEnv) return null;
  const all = envValue(env, 'all_proxy');
  const http = envValue(env, 'http_proxy') ?? all;
  const https = envValue(env, 'https_proxy') ?? all;
  if (http === undefined && https === undefined) return null;
  const httpUrl = http === undefined ? null : parseProxyUrl(http, 'HTTP_PROXY');
  const httpsUrl = https === undefined ? null : parseProxyUrl(https, 'HTTPS_PROXY');
  noProxy = [...noProxy, ...parseNoProxy(envValue(env, 'no_proxy'))];
  return (url) => {
    if (isNoProxy(url, noProxy)) return null;
    return url.protocol === 'https:' || url.protocol === 'wss:' ? httpsUrl : httpUrl;
  };
}
