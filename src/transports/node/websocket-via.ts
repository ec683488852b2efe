/**
 * How a WebSocket upgrade reaches its server under the Node transport's settings: the same
 * proxy choice (HTTP CONNECT, SOCKS5, NO_PROXY), TLS policy and unix sockets as HTTP requests.
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import { describe, ProxyError } from '../../core/kit.js';
import { httpTunnel, ProxyFailure } from './http-tunnel.js';
import { proxyChooser } from './no-proxy.js';
import type { NodeTransportOptions } from './node-options.js';
import { socks5Tunnel } from './socks5.js';
import { tlsConnectOptions, tlsFor } from './tls-policy.js';
import type { WebSocketConnectVia } from './websocket.js';

const tunnelTimeout = 10_000;

function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') ? h.slice(1, -1) : h;
}

/**
 * A router from an upgrade's http(s) URL to the ws options that reach it. Built once per
 * transport.
 * @example
 * const via = webSocketRouter({ proxy: 'http://127.0.0.1:3128' });
 * openWebSocket(request, ctx, options, via(new URL(request.url)));
 */
export function webSocketRouter(
  options: NodeTransportOptions,
  env: Record<string, string | undefined> = process.env,
): (url: URL) => WebSocketConnectVia {
  const choose = proxyChooser(options, env);
  const proxyTls = tlsConnectOptions(options.proxyTls);
  return (url) => {
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const host = hostOf(url);
    const port = Number(url.port) || (secure ? 443 : 80);
    const tlsOptions: WebSocketConnectVia = secure ? (tlsConnectOptions(tlsFor(options.tls, host, port)) ?? {}) : {};
    const socketPath = typeof options.socketPath === 'string' ? options.socketPath : options.socketPath?.[url.origin];
    if (socketPath) {
      // dial the socket, keep the URL: Host and cookies stay those of the URL
      return {
        ...tlsOptions,
        createConnection: (_opts, done) => {
          const socket = net.connect(socketPath);
          if (!secure) return socket;
          const servername = tlsOptions.servername ?? (net.isIP(host) ? undefined : host);
          done(null, tls.connect({ ...tlsOptions, socket, ...(servername ? { servername } : {}) }));
          return undefined;
        },
      };
    }
    const proxy = choose?.(url) ?? null;
    const { connect } = options;
    if (!proxy && connect) {
      // the custom endpoint (undici's connector signature) carries the upgrade too
      return {
        ...tlsOptions,
        createConnection: (_opts, done) => {
          const servername = tlsOptions.servername ?? (net.isIP(host) ? null : host);
          connect(
            {
              hostname: host,
              host,
              protocol: url.protocol,
              port: String(port),
              servername,
              localAddress: null,
              httpSocket: undefined,
            } as never,
            (error, socket) => (error ? done(error) : done(null, socket as net.Socket)),
          );
          return undefined;
        },
      };
    }
    if (!proxy) return tlsOptions;
    const exchange = { method: 'GET', url: url.href };
    return {
      ...tlsOptions,
      createConnection: (_opts, done) => {
        const tunnel = proxy.protocol.startsWith('socks5')
          ? socks5Tunnel(proxy, host, port, tunnelTimeout)
          : httpTunnel(proxy, proxyTls, host, port, tunnelTimeout);
        tunnel.then(
          (socket) => {
            if (!secure) return done(null, socket);
            const servername = tlsOptions.servername ?? (net.isIP(host) ? undefined : host);
            done(null, tls.connect({ ...tlsOptions, socket, ...(servername ? { servername } : {}) }));
          },
          (e: unknown) => {
            const status = e instanceof ProxyFailure ? e.status : undefined;
            done(new ProxyError(describe((e as Error).message, exchange), status, { cause: e }));
          },
        );
        return undefined;
      },
    };
  };
}
