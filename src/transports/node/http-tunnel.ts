/**
 * Opening a socket to a proxy, and HTTP CONNECT tunnels through `http://` and `https://`
 * proxies. Proxy credentials go only into `Proxy-Authorization` on the CONNECT request.
 * @module
 */
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';

/** A failure at the proxy; `transport.ts` turns it into a `ProxyError` naming the request. */
export class ProxyFailure extends Error {
  readonly status: number | undefined;
  /** The proxy did not connect or answer in time (a connect-phase timeout). */
  timedOut = false;
  constructor(message: string, status?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
  }
}

/** A ProxyFailure for a proxy that took longer than `timeout` ms. */
export function proxyTimeout(proxy: URL, what: string, timeout: number): ProxyFailure {
  const e = new ProxyFailure(`proxy ${proxyLabel(proxy)} timed out ${what} (${timeout} ms)`);
  e.timedOut = true;
  return e;
}

/** `host:port` of a proxy, for messages (never the credentials). */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** `Basic …` from the credentials of a proxy URL, or null. */
export function proxyAuthorization(proxy: URL): string | null {
  if (proxy.username === '' && proxy.password === '') return null;
  const pair = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

function defaultPort(proxy: URL): number {
  if (proxy.port) return Number(proxy.port);
  return proxy.protocol === 'https:' ? 443 : proxy.protocol === 'http:' ? 80 : 1080;
}

/** Opens a TCP (or, for `https://` proxies, TLS) connection to the proxy. */
export function connectToProxy(proxy: URL, proxyTls: ConnectionOptions | undefined, timeout: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const host = proxy.hostname.startsWith('[') ? proxy.hostname.slice(1, -1) : proxy.hostname;
    const port = defaultPort(proxy);
    const secure = proxy.protocol === 'https:';
    const socket: net.Socket = secure
      ? tls.connect({ ALPNProtocols: ['http/1.1'], servername: net.isIP(host) ? '' : host, ...proxyTls, host, port })
      : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(proxyTimeout(proxy, 'connecting', timeout));
    }, timeout);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      const code = (e as { code?: string }).code;
      const tlsFailure = secure && code !== undefined && !['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN'].includes(code);
      reject(
        new ProxyFailure(
          `${tlsFailure ? 'TLS to the proxy failed' : 'cannot reach the proxy'} ${proxyLabel(proxy)} (${code ?? e.message})`,
          undefined,
          e,
        ),
      );
    };
    socket.once('error', fail);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Reads bytes until `\r\n\r\n`; resolves with the head and whatever came after it. */
export function readHead(socket: net.Socket, limit = 16384): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const cleanup = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        cleanup();
        socket.pause();
        resolve({ head: buf.subarray(0, end).toString('latin1'), rest: buf.subarray(end + 4) });
      } else if (buf.length > limit) {
        cleanup();
        reject(new Error('proxy response head too large'));
      }
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the proxy closed the connection'));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/** Opens a CONNECT tunnel to `host:port` through an `http://` or `https://` proxy. */
export async function httpTunnel(
  proxy: URL,
  proxyTls: ConnectionOptions | undefined,
  host: string,
  port: number,
  timeout: number,
): Promise<net.Socket> {
  const socket = await connectToProxy(proxy, proxyTls, timeout);
  const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const auth = proxyAuthorization(proxy);
  socket.write(
    `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}Proxy-Connection: keep-alive\r\n\r\n`,
  );
  let head: string;
  let rest: Buffer;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    socket.destroy();
  }, timeout);
  try {
    ({ head, rest } = await readHead(socket));
  } catch (e) {
    socket.destroy();
    if (timedOut) throw proxyTimeout(proxy, 'answering CONNECT', timeout);
    throw new ProxyFailure(`proxy ${proxyLabel(proxy)} failed during CONNECT: ${(e as Error).message}`, undefined, e);
  } finally {
    clearTimeout(timer);
  }
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  const status = m ? Number(m[1]) : undefined;
  if (status === undefined || status < 200 || status > 299) {
    socket.destroy();
    const what = status === 407 ? 'proxy authentication required (407)' : `proxy refused CONNECT (${status ?? 'no status'})`;
    throw new ProxyFailure(`${what} from ${proxyLabel(proxy)}`, status);
  }
  if (rest.length > 0) socket.unshift(rest);
  socket.resume();
  return socket;
}
