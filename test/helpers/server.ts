/**
 * Test servers on 127.0.0.1 with a port chosen at run time. Every server is closed (and its
 * connections destroyed) by `t.after()`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface TestServer {
  readonly server: http.Server;
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Sockets accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1:0 and registers its shutdown with `t.after`. */
export async function createTestServer(
  t: Pick<TestContext, 'after'> | undefined,
  handler: http.RequestListener,
  options: http.ServerOptions = {},
): Promise<TestServer> {
  const server = http.createServer(options, handler);
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  t?.after(close);
  return { server, url: `http://127.0.0.1:${port}`, port, connections: () => accepted, close };
}

/** Reads a whole request body. */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A server that echoes method, URL, headers and body as JSON. */
export async function createEchoServer(t: Pick<TestContext, 'after'> | undefined): Promise<TestServer> {
  return createTestServer(t, async (req, res) => {
    const body = await readBody(req);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('latin1') }));
  });
}
