/**
 * A forward proxy written for tests: forwards absolute-form requests and opens CONNECT
 * tunnels, records what it saw (including every byte the client sent inside each tunnel),
 * optionally demands Proxy-Authorization, refuses CONNECT, or speaks TLS itself.
 */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface ProxyLogEntry {
  readonly kind: 'forward' | 'connect';
  /** The absolute URL (forward) or `host:port` (CONNECT). */
  readonly target: string;
  readonly proxyAuthorization: string | undefined;
}

export interface TestProxy {
  readonly url: string;
  readonly port: number;
  readonly log: ProxyLogEntry[];
  /** What clients sent inside CONNECT tunnels, chunk by chunk as it arrived. */
  readonly tunnelBytes: Buffer[];
}

export interface TestProxyOptions {
  /** The exact Proxy-Authorization value to demand (407 otherwise). */
  readonly auth?: string;
  /** Answer every CONNECT with this status. */
  readonly refuseConnect?: number;
  /** Be an https:// proxy. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

/** Starts the proxy on 127.0.0.1:0; closed by `t.after`. */
export async function createTestProxy(t: Pick<TestContext, 'after'>, options: TestProxyOptions = {}): Promise<TestProxy> {
  const log: ProxyLogEntry[] = [];
  const tunnelBytes: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    log.push({ kind: 'forward', target: req.url ?? '', proxyAuthorization });
    if (options.auth !== undefined && proxyAuthorization !== options.auth) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' });
      return void res.end();
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const out = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : http.createServer(onRequest);
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const proxyAuthorization = req.headers['proxy-authorization'];
    log.push({ kind: 'connect', target: req.url ?? '', proxyAuthorization });
    if (options.auth !== undefined && proxyAuthorization !== options.auth) {
      return void client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
    }
    if (options.refuseConnect !== undefined) {
      return void client.end(`HTTP/1.1 ${options.refuseConnect} Refused\r\nContent-Length: 0\r\n\r\n`);
    }
    const [host = '', port = ''] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ''));
    sockets.add(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) {
        tunnelBytes.push(head);
        upstream.write(head);
      }
      client.on('data', (c: Buffer) => tunnelBytes.push(c));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const done = (): void => {
      client.destroy();
      upstream.destroy();
    };
    upstream.once('close', done);
    upstream.on('error', () => {});
    client.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, log, tunnelBytes };
}
