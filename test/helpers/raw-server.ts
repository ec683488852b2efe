/**
 * A raw TCP server on 127.0.0.1:0 for servers that misbehave on purpose: it writes exactly
 * the bytes a test gives it (lying Content-Length, broken chunked encoding, resets, stalls).
 * Tracks open sockets so tests can assert that nothing is left open.
 */
import net from 'node:net';
import type { TestContext } from 'node:test';

export interface RawServer {
  readonly server: net.Server;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Sockets currently open. */
  open(): number;
  /** Sockets accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/**
 * Calls `onRequest(socket, head)` once per connection with the first chunk the client sent
 * (for keep-alive tests, handle further data yourself).
 */
export async function createRawServer(
  t: Pick<TestContext, 'after'> | undefined,
  onRequest: (socket: net.Socket, head: string) => void,
): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (data) => onRequest(socket, data.toString('latin1')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t?.after(close);
  return { server, url: `http://127.0.0.1:${port}`, port, open: () => sockets.size, accepted: () => accepted, close };
}

/** Polls `check` every 10 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}
