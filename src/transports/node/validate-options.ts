/**
 * Checks `createNodeTransport()` options before any I/O: a bad value is an
 * `InvalidOptionError` naming the option (`node.connections` …), never a late socket error.
 * @module
 */
import { InvalidOptionError } from '../../core/kit.js';
import type { NodeTransportOptions } from './node-options.js';

function fail(option: string, what: string): never {
  throw new InvalidOptionError(`node.${option}`, `node.${option}: ${what}`);
}

const booleans = ['retryOnStaleConnection', 'allowH2', 'proxyFromEnv', 'tunnel'] as const;
const tlsVersions = new Set(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']);

function checkTls(option: string, tls: unknown): void {
  if (tls === undefined) return;
  if (typeof tls === 'function' && option === 'tls') return;
  if (tls === null || typeof tls !== 'object') fail(option, 'expected an object of TLS settings');
  const t = tls as Record<string, unknown>;
  const v = t.verify;
  if (v !== undefined && typeof v !== 'boolean' && typeof v !== 'string' && !(v instanceof Uint8Array))
    fail(`${option}.verify`, 'expected true, false, a PEM string/Buffer or a CA file or directory path');
  for (const k of ['minVersion', 'maxVersion'])
    if (t[k] !== undefined && !tlsVersions.has(t[k] as string)) fail(`${option}.${k}`, 'expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3');
  for (const k of ['servername', 'ciphers', 'passphrase'])
    if (t[k] !== undefined && typeof t[k] !== 'string') fail(`${option}.${k}`, 'expected a string');
  if (t.checkServerIdentity !== undefined && typeof t.checkServerIdentity !== 'function')
    fail(`${option}.checkServerIdentity`, 'expected a function');
}

/**
 * Validates and normalises the options (socket path map keys become origins).
 * @example
 * createNodeTransport(validateNodeOptions({ connections: 0 })); // throws InvalidOptionError: node.connections
 */
export function validateNodeOptions(options: NodeTransportOptions): NodeTransportOptions {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('node', 'node: expected an object');
  const { connections, keepAliveTimeout, proxy, socketPath, connect, noProxy } = options;
  if (connections !== undefined && (!Number.isInteger(connections) || connections < 1)) fail('connections', 'expected an integer ≥ 1');
  if (
    keepAliveTimeout !== undefined &&
    (typeof keepAliveTimeout !== 'number' || !(keepAliveTimeout > 0) || !Number.isFinite(keepAliveTimeout))
  )
    fail('keepAliveTimeout', 'expected a positive number of milliseconds');
  for (const k of booleans) if (options[k] !== undefined && typeof options[k] !== 'boolean') fail(k, 'expected a boolean');
  if (proxy !== undefined && typeof proxy !== 'string' && typeof proxy !== 'function' && !(proxy instanceof URL))
    fail('proxy', 'expected a URL string, a URL or a function (url) => proxy URL | null');
  if (noProxy !== undefined && typeof noProxy !== 'string' && !(Array.isArray(noProxy) && noProxy.every((x) => typeof x === 'string')))
    fail('noProxy', 'expected a string or an array of strings');
  if (connect !== undefined && typeof connect !== 'function') fail('connect', 'expected a function (options, callback) => void');
  checkTls('tls', options.tls);
  checkTls('proxyTls', options.proxyTls);
  if (socketPath === undefined || typeof socketPath === 'string') return options;
  if (socketPath === null || typeof socketPath !== 'object') fail('socketPath', 'expected a path or a map of origin → path');
  const byOrigin: Record<string, string> = {};
  for (const [origin, path] of Object.entries(socketPath)) {
    if (typeof path !== 'string') fail(`socketPath.${origin}`, 'expected a path');
    let key: string;
    try {
      key = new URL(origin).origin;
    } catch {
      fail('socketPath', `${origin} is not an origin (e.g. http://api.local)`);
    }
    byOrigin[key] = path;
  }
  return { ...options, socketPath: byOrigin };
}
