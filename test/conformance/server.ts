/**
 * The conformance server: one Node HTTP server on 127.0.0.1:0 that every runtime under test
 * talks to (Node in-process, Deno, Bun and Chromium as child processes), plus a second origin
 * for cross-origin cases and a closed port for refused connections. It also serves `dist/`
 * and the bundled harness, so a browser page loads the built package from the same origin.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import zlib from 'node:zlib';
import { WebSocketServer } from 'ws';

export interface ConformanceServers {
  /** `http://127.0.0.1:PORT` of the main server. */
  readonly baseURL: string;
  /** A second origin (another port). */
  readonly otherURL: string;
  /** A URL on a port that was bound and closed (connection refused). */
  readonly closedURL: string;
  close(): Promise<void>;
}

/** Files the server hands out under `/static/…`: url path → absolute file path. */
export type StaticRoots = Readonly<Record<string, string>>;

const text = 'hello conformance '.repeat(64);
// `zstd` of "hello zstd from ferry conformance", made with Node 24's zlib.zstdCompressSync.
const zstdFixture = Buffer.from('KLUv/SAhCQEAaGVsbG8genN0ZCBmcm9tIGZlcnJ5IGNvbmZvcm1hbmNl', 'base64');
const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  'x-gzip': (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
};
const types: Record<string, string> = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };

/** The body of `/asset` (the integrity cases hash what they fetch). */
const assetBody = 'console.log("ferry integrity asset");\n';

function cors(req: http.IncomingMessage, res: http.ServerResponse): void {
  // A page's credentialed request (credentials: 'include') needs its origin echoed and
  // allow-credentials; the wildcards still serve the others.
  const origin = req.headers.origin;
  res.setHeader('access-control-allow-origin', origin ?? '*');
  if (origin) {
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'origin');
  }
  res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*, authorization');
  res.setHeader('access-control-allow-methods', '*');
  res.setHeader('access-control-expose-headers', '*');
}

function readBody(req: http.IncomingMessage, onChunk?: (n: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      onChunk?.(c.length);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function handler(statics: StaticRoots, page: string): http.RequestListener {
  const hits = new Map<string, number>();
  const gates = new Map<string, () => void>();
  const uploads = new Map<string, number>();
  const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams;
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    cors(req, res);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204).end();
      return;
    }
    switch (url.pathname) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/html' }).end(page);
        return;
      case '/hits':
        return json(res, { count: hits.get(q.get('path') ?? '') ?? 0 });
      case '/status':
        res.writeHead(Number(q.get('code') ?? 200), { 'content-type': 'text/plain' }).end(`status ${q.get('code')}`);
        return;
      case '/multi-header':
        res.setHeader('x-multi', ['a', 'b']);
        res.end('ok');
        return;
      case '/redirect':
        res.writeHead(Number(q.get('status') ?? 302), { location: q.get('to') ?? '/echo' }).end();
        return;
      case '/chain': {
        const n = Number(q.get('n') ?? 0);
        if (n <= 0) res.writeHead(200, { 'content-type': 'text/plain' }).end('done');
        else res.writeHead(302, { location: `/chain?n=${n - 1}` }).end();
        return;
      }
      case '/set-cookie':
        res.setHeader('set-cookie', `${q.get('name')}=${q.get('value')}; Path=/`);
        res.end('ok');
        return;
      case '/cookies':
        return json(res, { cookie: req.headers.cookie ?? null });
      case '/asset':
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(assetBody);
        return;
      case '/encoded': {
        const coding = q.get('coding') ?? 'gzip';
        const accepted = String(req.headers['accept-encoding'] ?? '')
          .toLowerCase()
          .split(',')
          .map((s) => s.split(';')[0]?.trim());
        const send = q.get('force') === '1' || accepted.includes(coding);
        if (coding === 'zstd') {
          res.writeHead(200, send ? { 'content-encoding': 'zstd', 'x-sent-encoding': 'zstd' } : { 'x-sent-encoding': 'identity' });
          res.end(send ? zstdFixture : 'hello zstd from ferry conformance');
          return;
        }
        const encode = encoders[coding];
        const body = Buffer.from(text);
        if (!send || !encode) res.writeHead(200, { 'x-sent-encoding': 'identity', 'content-type': 'text/plain' }).end(body);
        else {
          const encoded = encode(body);
          if (q.get('corrupt') === '1') encoded.fill(0x41, 10, 40); // keep the magic, break the data
          res.writeHead(200, { 'content-encoding': coding, 'x-sent-encoding': coding, 'content-type': 'text/plain' }).end(encoded);
        }
        return;
      }
      case '/bomb':
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' }).end(bomb);
        return;
      case '/slow-headers': {
        const timer = setTimeout(() => res.end('late'), Number(q.get('ms') ?? 5000));
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case '/slow-body': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first|');
        const timer = setTimeout(() => res.end('late'), Number(q.get('ms') ?? 5000));
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case '/stream-gate': {
        const id = q.get('id') ?? '';
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first|');
        const timer = setTimeout(() => res.end('timeout'), 10_000);
        gates.set(id, () => {
          clearTimeout(timer);
          res.end('second');
        });
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case '/release': {
        const open = gates.get(q.get('id') ?? '');
        gates.delete(q.get('id') ?? '');
        open?.();
        return json(res, { released: open !== undefined });
      }
      case '/upload-gate': {
        const id = q.get('id') ?? '';
        uploads.set(id, 0);
        const body = await readBody(req, (n) => uploads.set(id, (uploads.get(id) ?? 0) + n));
        return json(res, { total: body.length, text: body.toString(), chunked: req.headers['transfer-encoding'] === 'chunked' });
      }
      case '/seen':
        return json(res, { bytes: uploads.get(q.get('id') ?? '') ?? 0 });
      case '/truncated':
        res.writeHead(200, { 'content-length': '100', 'content-type': 'text/plain' });
        res.write('only ten b');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
    }
    if (url.pathname.startsWith('/static/')) {
      const [, , root, ...rest] = url.pathname.split('/');
      const base = statics[root ?? ''];
      const file = base && normalize(join(base, ...rest));
      if (!file || !file.startsWith(base)) return json(res, { error: 'not found' }, 404);
      try {
        const data = await readFile(file);
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(data);
      } catch {
        json(res, { error: 'not found' }, 404);
      }
      return;
    }
    // Everything else echoes the request.
    const body = await readBody(req);
    json(res, {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: body.toString('latin1'),
      base64: body.toString('base64'),
      chunked: req.headers['transfer-encoding'] === 'chunked',
    });
  };
}

/** `/ws`: first message reports the upgrade's protocol and x-ws header, then echoes. */
function attachWebSocket(server: http.Server): WebSocketServer {
  const wss = new WebSocketServer({ server, path: '/ws', handleProtocols: (protocols) => [...protocols][0] ?? false });
  wss.on('connection', (socket, req) => {
    socket.send(JSON.stringify({ protocol: socket.protocol, header: req.headers['x-ws'] ?? null }));
    socket.on('message', (data, binary) => socket.send(binary ? data : data.toString()));
  });
  return wss;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts the servers; `statics` maps `/static/<name>/…` to directories, `page` is served at `/`. */
export async function startConformanceServers(
  statics: StaticRoots = {},
  page = '<!doctype html><title>ferry</title>',
): Promise<ConformanceServers> {
  const main = http.createServer(handler(statics, page));
  const other = http.createServer(handler({}, page));
  const closed = http.createServer();
  const wss = attachWebSocket(main);
  const baseURL = await listen(main);
  const otherURL = await listen(other);
  const closedURL = await listen(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return {
    baseURL,
    otherURL,
    closedURL,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      for (const s of [main, other]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
