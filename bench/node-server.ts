/**
 * The fallback benchmark server (when nginx is not installed): `node --import tsx
 * bench/node-server.ts <port> [<size of /large>]`. Same endpoints as the nginx config in bench/server.ts.
 * @module
 */
import { createServer } from 'node:http';
import { largeSize, smallBody } from './server.js';

const port = Number(process.argv[2]);
const large = Number(process.argv[3] ?? largeSize);
const small = Buffer.from(smallBody);
const chunk = Buffer.alloc(256 * 1024);
const ok = Buffer.from('{"ok":true}');

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.url === '/small') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': small.byteLength });
    res.end(small);
    return;
  }
  if (req.url === '/large') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': large });
    let left = large;
    const write = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.byteLength);
        left -= n;
        if (!res.write(n === chunk.byteLength ? chunk : chunk.subarray(0, n))) {
          res.once('drain', write);
          return;
        }
      }
      res.end();
    };
    write();
    return;
  }
  if (req.url === '/post' && req.method === 'POST') {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': ok.byteLength });
      res.end(ok);
    });
    return;
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
