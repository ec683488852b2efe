/**
 * SOCKS5 (RFC 1928) with username/password authentication (RFC 1929). `socks5h://` sends the
 * host name for the proxy to resolve; `socks5://` resolves it here and sends the address.
 * @module
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { connectToProxy, ProxyFailure, proxyLabel, proxyTimeout } from './http-tunnel.js';

const replies: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** Reads exactly `n` bytes from a socket. */
function readBytes(socket: net.Socket, n: number, state: { buf: Buffer }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tryTake = (): boolean => {
      if (state.buf.length < n) return false;
      const out = state.buf.subarray(0, n);
      state.buf = state.buf.subarray(n);
      resolve(out);
      return true;
    };
    if (tryTake()) return;
    const onData = (c: Buffer): void => {
      state.buf = Buffer.concat([state.buf, c]);
      if (tryTake()) cleanup();
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the proxy closed the connection'));
    };
    const cleanup = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

function addressBytes(host: string): Buffer {
  const v = net.isIP(host);
  if (v === 4) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (v === 6) {
    return Buffer.from([4, ...expandV6(host)]);
  }
  const name = Buffer.from(host);
  if (name.length > 255) throw new ProxyFailure('host name too long for SOCKS5');
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function expandV6(address: string): number[] {
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** Opens a SOCKS5 tunnel to `host:port`. */
export async function socks5Tunnel(proxy: URL, host: string, port: number, timeout: number): Promise<net.Socket> {
  const remoteDns = proxy.protocol === 'socks5h:' || proxy.protocol === 'socks:';
  const target = remoteDns || net.isIP(host) ? host : (await lookup(host)).address;
  const socket = await connectToProxy(proxy, undefined, timeout);
  const state = { buf: Buffer.alloc(0) };
  const label = proxyLabel(proxy);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    socket.destroy();
  }, timeout);
  try {
    const user = decodeURIComponent(proxy.username);
    const pass = decodeURIComponent(proxy.password);
    const withAuth = user !== '' || pass !== '';
    socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
    const [ver, method] = await readBytes(socket, 2, state);
    if (ver !== 5) throw new ProxyFailure(`${label} is not a SOCKS5 proxy`);
    if (method === 0xff) throw new ProxyFailure(`SOCKS5 proxy ${label} accepts none of our authentication methods`, 407);
    if (method === 2) {
      const u = Buffer.from(user);
      const p = Buffer.from(pass);
      socket.write(Buffer.concat([Buffer.from([1, u.length]), u, Buffer.from([p.length]), p]));
      const [, status] = await readBytes(socket, 2, state);
      if (status !== 0) throw new ProxyFailure(`SOCKS5 proxy ${label} refused the credentials`, 407);
    } else if (method !== 0) {
      throw new ProxyFailure(`SOCKS5 proxy ${label} chose an unsupported method ${method}`);
    }
    const portBytes = Buffer.from([port >> 8, port & 0xff]);
    socket.write(Buffer.concat([Buffer.from([5, 1, 0]), addressBytes(target), portBytes]));
    const [, rep = 1, , atyp] = await readBytes(socket, 4, state);
    if (rep !== 0) throw new ProxyFailure(`SOCKS5 proxy ${label}: ${replies[rep] ?? `error ${rep}`}`);
    const addrLen = atyp === 1 ? 4 : atyp === 4 ? 16 : ((await readBytes(socket, 1, state))[0] ?? 0);
    await readBytes(socket, addrLen + 2, state);
    clearTimeout(timer);
    if (state.buf.length > 0) socket.unshift(state.buf);
    return socket;
  } catch (e) {
    clearTimeout(timer);
    socket.destroy();
    if (e instanceof ProxyFailure) throw e;
    if (timedOut) throw proxyTimeout(proxy, 'in the SOCKS5 handshake', timeout);
    throw new ProxyFailure(`SOCKS5 proxy ${label} failed: ${(e as Error).message}`, undefined, e);
  }
}
