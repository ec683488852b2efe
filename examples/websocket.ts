/**
 * A WebSocket over the same session: the upgrade request carries the session's cookie and
 * auth, messages arrive as events or through `for await`, and a refused upgrade is an error
 * with the status. Starts its own HTTP + WebSocket server on 127.0.0.1 (a free port), exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { bearer, createClient, WebSocketError } from '../src/index.node.js';

const server = createServer((req, res) => {
  if (req.url === '/login') return void res.writeHead(204, { 'set-cookie': 'sid=s-42; Path=/' }).end();
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const allowed = req.headers.cookie === 'sid=s-42' && req.headers.authorization === 'Bearer chat-token';
  if (!allowed) return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.send(`welcome, ${req.headers.cookie}`);
    ws.on('message', (data) => {
      const text = String(data);
      if (text === 'bye') return ws.close(1000, 'see you');
      ws.send(text.toUpperCase());
    });
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

// websocket:begin
const session = createClient({ baseURL: `http://127.0.0.1:${port}`, auth: bearer('chat-token') });
await session.post('/login'); // sets the sid cookie in the session's jar

const ws = await session.websocket(`ws://127.0.0.1:${port}/chat`); // cookie and auth on the upgrade
ws.send('hello');
ws.send('bye');
for await (const message of ws) console.log('received:', message); // ends when the socket closes
// websocket:end

try {
  await createClient().websocket(`ws://127.0.0.1:${port}/chat`); // no cookie, no token
} catch (e) {
  if (e instanceof WebSocketError) console.log('refused:', e.code, e.status);
}

await session.close();
wss.close();
server.close();
