/**
 * The same job done twice, with the platform's fetch and with ferry: query params, a bearer
 * token, a deadline, retrying a 503, and failing on an HTTP error.
 * Starts its own server on 127.0.0.1 (a free port) that answers 503 to every first request.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, createClient } from '../src/index.node.js';

const token = 't0ken';
let requests = 0;
const server = createServer((req, res) => {
  if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
  if (++requests % 2 === 1) return void res.writeHead(503).end(); // every other request: busy, try again
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, items: ['a', 'b'] }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

{
  // fetch:begin
  const url = new URL('/api/items', origin);
  url.searchParams.set('page', '2');
  let res: Response | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5000) });
    if (res.status !== 503) break;
    await new Promise((resolve) => setTimeout(resolve, 300 * 2 ** attempt));
  }
  if (!res?.ok) throw new Error(`HTTP ${res?.status}`);
  console.log('fetch:', await res.json());
  // fetch:end
}

{
  // ferry:begin
  const api = createClient({ baseURL: origin, auth: bearer(token), timeout: 5000, retry: 2, throwHttpErrors: true });
  const res = await api.get('/api/items', { params: { page: 2 } });
  console.log('ferry:', await res.json());
  // ferry:end
  await api.close();
}

console.log(`the server answered ${requests} requests (two 503s)`);
server.close();
