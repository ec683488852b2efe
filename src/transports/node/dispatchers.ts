/**
 * One undici Agent per connection profile (proxy × TLS settings × socket path), created on
 * first use and cached. An Agent pools connections per origin; its connector opens the
 * tunnel (HTTP CONNECT or SOCKS5) and TLS, and records what ALPN negotiated.
 * @module
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector, Client, type Dispatcher, Pool } from 'undici';
import { httpTunnel, ProxyFailure, proxyAuthorization, proxyLabel } from './http-tunnel.js';
import { type ProxyChooser, proxyChooser } from './no-proxy.js';
import type { NodeConnector, NodePoolStats, NodeTransportOptions } from './node-options.js';
import { socks5Tunnel } from './socks5.js';
import { type ConnectDispatchers, connectDispatchers } from './timeouts.js';
import { tlsConnectOptions, tlsFor, tlsKey } from './tls-policy.js';

/** Where one request goes. */
export interface Route {
  readonly dispatcher: Dispatcher;
  /** The dispatcher for a hop's connect deadline (`dispatcher` itself when unset). */
  readonly byConnect: ConnectDispatchers;
  /** For exchanges that bypass undici (100-continue, WebSocket): TLS and socket path, when direct. */
  readonly direct: { readonly tls: ConnectionOptions | undefined; readonly socketPath: string | undefined } | null;
  /** Set when an http target goes to an HTTP proxy in absolute form (no tunnel). */
  readonly forward: { readonly origin: string; readonly authorization: string | null; readonly label: string } | null;
  /** Negotiated ALPN protocol by `host[:port]`, when `allowH2` is on. */
  readonly alpn: Map<string, string> | null;
  /** A dispatcher on a new connection of its own (for a resend after a stale pooled socket); null with a user's dispatcher. */
  readonly fresh: (<T>(opts: Dispatcher.RequestOptions<T>) => Promise<Dispatcher.ResponseData<T>>) | null;
}

/** The cached dispatchers of one transport. */
export interface Dispatchers {
  /** The route of `url` (a fixed one when nothing varies per request). */
  route(url: URL): Route;
  stats(): Record<string, NodePoolStats>;
  close(): Promise<void>;
  /** The socket an error was raised on, for stale-connection detection. */
  readonly socketOfError: WeakMap<object, Socket>;
}

const proxyConnectTimeout = 10_000;

type PoolLikeStats = { connected: number; free?: number; pending: number; running: number };

function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') ? h.slice(1, -1) : h;
}

/** Streams per h2 connection before the pool opens another one. */
const h2Streams = 100;

/**
 * A Pool client factory: a connection that negotiated h2 carries up to `h2Streams` requests
 * at once (undici otherwise treats it as busy after one and opens more connections).
 */
function multiplexing(alpn: Map<string, string>): (origin: URL | string, opts: object) => Dispatcher {
  return (origin, opts) => {
    const client = new Client(origin, opts);
    const host = typeof origin === 'string' ? new URL(origin).host : origin.host;
    client.on('connect', () => {
      if (alpn.get(host) === 'h2') client.pipelining = h2Streams;
    });
    return client;
  };
}

/** A connector to a forwarding proxy: its failures are the proxy's (ProxyError), not the target's. */
function toProxy(proxy: URL, connect: NodeConnector): NodeConnector {
  return (opts, callback) =>
    connect(opts, (...args) => {
      const e = args[0];
      if (!e) return callback(...args);
      const code = (e as { code?: string }).code ?? e.message;
      const what =
        proxy.protocol === 'https:' && !/^E(CONNREFUSED|CONNRESET|NOTFOUND|AI_AGAIN)/.test(code)
          ? 'TLS to the proxy failed'
          : 'cannot reach the proxy';
      callback(new ProxyFailure(`${what} ${proxyLabel(proxy)} (${code})`, undefined, e), null);
    });
}

/** Creates the dispatcher cache for the transport options. */
export function createDispatchers(options: NodeTransportOptions): Dispatchers {
  const connections = options.connections ?? 10;
  const keepAliveTimeout = options.keepAliveTimeout ?? 4000;
  const allowH2 = options.allowH2 === true;
  const tunnelAll = options.tunnel === true;
  const chooser: ProxyChooser | null = proxyChooser(options, process.env);
  const policy = options.tls;
  const staticTls = typeof policy === 'function' ? undefined : tlsConnectOptions(policy);
  const proxyTls = tlsConnectOptions(options.proxyTls);
  const socketPaths = options.socketPath;
  const socketOfError = new WeakMap<object, Socket>();
  const trackErrors = options.retryOnStaleConnection !== false;
  const profiles = new Map<string, Route>();
  const varies = chooser !== null || typeof policy === 'function' || (socketPaths !== undefined && typeof socketPaths !== 'string');
  let fixed: Route | null = null;

  function watch(connect: NodeConnector, alpn: Map<string, string> | null): NodeConnector {
    if (!alpn && !trackErrors) return connect;
    return (opts, callback) =>
      connect(opts, (...args) => {
        const socket = args[1] as (Socket & { alpnProtocol?: string | false }) | null;
        if (socket) {
          if (alpn) alpn.set(opts.host ?? opts.hostname, socket.alpnProtocol || 'http/1.1');
          if (trackErrors) socket.on('error', (e) => socketOfError.set(e, socket));
        }
        callback(...args);
      });
  }

  // Every Agent made (also those for connect deadlines), for stats().
  const agents = new Set<Dispatcher>();
  function agent(connect: NodeConnector, alpn: Map<string, string> | null, h2: boolean): Agent {
    const a = new Agent({
      connections,
      keepAliveTimeout,
      // The lifetime is an upper bound, also when the server's Keep-Alive hint is longer.
      keepAliveMaxTimeout: keepAliveTimeout,
      allowH2: h2,
      connect: watch(connect, alpn),
      ...(h2 && alpn
        ? { factory: (origin: string | URL, opts: object) => new Pool(origin, { ...opts, factory: multiplexing(alpn) }) }
        : {}),
    });
    agents.add(a);
    return a;
  }

  /** One request on a new connection, closed once that request is done. */
  function oneShot(
    connect: NodeConnector,
    alpn: Map<string, string> | null,
    h2: boolean,
  ): <T>(opts: Dispatcher.RequestOptions<T>) => Promise<Dispatcher.ResponseData<T>> {
    return <T>(opts: Dispatcher.RequestOptions<T>) => {
      const client = new Client(opts.origin as string, { connect: watch(connect, alpn), allowH2: h2 });
      const pending = client.request(opts);
      // close() lets the queued request finish (its body included), then ends the connection.
      client.close().catch(() => {});
      return pending;
    };
  }

  function targetConnector(
    tls: ConnectionOptions | undefined,
    socketPath: string | undefined,
    proxy: URL | null,
    timeout: number | undefined,
  ): NodeConnector {
    // A user's connector is the endpoint for direct routes; a proxied route is reached through
    // the proxy only (a connector ignoring `httpSocket` would otherwise go direct).
    const base =
      (proxy ? undefined : options.connect) ??
      buildConnector({
        ...tls,
        allowH2,
        ...(socketPath !== undefined ? { socketPath } : {}),
        ...(timeout !== undefined ? { timeout } : {}),
      } as buildConnector.BuildOptions);
    if (!proxy) return base;
    const ms = timeout ?? proxyConnectTimeout;
    const open = proxy.protocol.startsWith('socks')
      ? (host: string, port: number) => socks5Tunnel(proxy, host, port, ms)
      : (host: string, port: number) => httpTunnel(proxy, proxyTls, host, port, ms);
    return (opts, callback) => {
      const secure = opts.protocol === 'https:' || opts.protocol === 'wss:';
      const port = Number(opts.port) || (secure ? 443 : 80);
      const host = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
      open(host, port).then(
        (socket) => (secure ? base({ ...opts, httpSocket: socket }, callback) : callback(null, socket)),
        (e: Error) => callback(e, null),
      );
    };
  }

  function build(url: URL): Route {
    const proxy = chooser ? chooser(url) : null;
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const tlsSettings = typeof policy === 'function' && secure ? tlsFor(policy, hostOf(url), Number(url.port) || 443) : undefined;
    const socketPath = typeof socketPaths === 'string' ? socketPaths : socketPaths?.[url.origin];
    if (proxy && !secure && !tunnelAll && (proxy.protocol === 'http:' || proxy.protocol === 'https:')) {
      const key = `forward\n${proxy.href}`;
      let r = profiles.get(key);
      if (!r) {
        const connector = (timeout?: number): NodeConnector =>
          toProxy(proxy, buildConnector({ ...proxyTls, ...(timeout !== undefined ? { timeout } : {}) } as buildConnector.BuildOptions));
        const make = (timeout?: number): Agent => agent(connector(timeout), null, false);
        const dispatcher = make();
        const authorization = proxyAuthorization(proxy);
        r = {
          dispatcher,
          byConnect: connectDispatchers(dispatcher, make),
          direct: null,
          forward: { origin: proxy.origin, authorization, label: `${proxy.protocol}//${proxy.host}` },
          alpn: null,
          fresh: oneShot(connector(), null, false),
        };
        profiles.set(key, r);
      }
      return r;
    }
    const key = `${proxy?.href ?? ''}\n${tlsSettings === undefined ? '' : tlsKey(tlsSettings)}\n${socketPath ?? ''}`;
    let r = profiles.get(key);
    if (!r) {
      const tls = tlsSettings === undefined ? staticTls : tlsConnectOptions(tlsSettings);
      const alpn = allowH2 ? new Map<string, string>() : null;
      const make = (timeout?: number): Agent => agent(targetConnector(tls, socketPath, proxy, timeout), alpn, allowH2);
      const dispatcher = options.dispatcher ?? make();
      const byConnect = connectDispatchers(dispatcher, options.dispatcher ? undefined : make);
      const direct = proxy || options.connect || options.dispatcher ? null : { tls, socketPath };
      const fresh = options.dispatcher ? null : oneShot(targetConnector(tls, socketPath, proxy, undefined), alpn, allowH2);
      r = { dispatcher, byConnect, direct, forward: null, alpn, fresh };
      profiles.set(key, r);
    }
    return r;
  }

  return {
    socketOfError,
    route: varies ? build : (url) => (fixed ??= build(url)),
    stats() {
      const out: Record<string, { open: number; busy: number; idle: number; queued: number }> = {};
      for (const dispatcher of options.dispatcher ? [options.dispatcher] : agents) {
        const all = (dispatcher as { stats?: Record<string, PoolLikeStats> }).stats ?? {};
        for (const [origin, s] of Object.entries(all)) {
          const idle = s.free ?? (s.running > 0 ? 0 : s.connected);
          const cur = (out[origin] ??= { open: 0, busy: 0, idle: 0, queued: 0 });
          cur.open += s.connected;
          cur.idle += idle;
          cur.busy += s.connected - idle;
          cur.queued += s.pending;
        }
      }
      return out;
    },
    async close() {
      const all = [...profiles.values()];
      profiles.clear();
      agents.clear();
      fixed = null;
      await Promise.all(all.flatMap((r) => [r.dispatcher.close(), r.byConnect.close()]));
    },
  };
}
