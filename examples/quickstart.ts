/**
 * Quick start: a client with a base URL, query params, JSON in and out, and the drop-in fetch.
 * Starts its own tiny JSON API on 127.0.0.1 (a free port), talks to it, prints, exits.
 * Run: npm run example
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, fetch } from '../src/index.node.js';

// A small API: GET /api/users?page=N lists users, POST /api/users creates one.
const users = [{ id: 1, name: 'Grace' }];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  res.setHeader('content-type', 'application/json');
  if (req.method === 'GET' && url.pathname === '/api/users') {
    res.end(JSON.stringify({ page: Number(url.searchParams.get('page')), users, agent: req.headers['x-app'] }));
  } else if (req.method === 'POST' && url.pathname === '/api/users') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const user = { id: users.length + 1, ...JSON.parse(body) };
      users.push(user);
      res.statusCode = 201;
      res.end(JSON.stringify(user));
    });
  } else {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: 'not found' }));
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// quickstart:begin
const api = createClient({ baseURL: `${origin}/api/`, headers: { 'x-app': 'quickstart' } });

const list = await api.get('users', { params: { page: 2 } }); // GET /api/users?page=2
console.log(list.status, await list.json());

const created = await api.post('users', { json: { name: 'Ada' } }); // JSON body, content-type set
console.log(created.status, await created.json());

const plain = await fetch(`${origin}/api/missing`); // the drop-in fetch: a 404 resolves, as with fetch
console.log(plain.status, plain.ok);
// quickstart:end

await api.close();
server.close();
