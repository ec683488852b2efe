/**
 * A blocking client for scripts, CLIs and config loading: each call runs on a normal ferry
 * client in a worker thread while the caller waits, and returns with the body already read.
 * The server runs in a worker of its own here, since this thread blocks during each call.
 * Starts it on 127.0.0.1 (a free port), prints, exits.
 * In your project, import from 'ferry/sync' instead of '../src/sync/index.js'.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { createSyncClient } from '../src/sync/index.js';

const serverSource = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => {
  if (req.url.startsWith('/old-config')) return void res.writeHead(301, { location: '/config?env=prod' }).end();
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ url: req.url, retries: 3, features: ['sync'] }));
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;
const serverWorker = new Worker(serverSource, { eval: true });
const [port] = (await once(serverWorker, 'message')) as [number];
const origin = `http://127.0.0.1:${port}`;

// sync:begin
const sync = createSyncClient({ baseURL: origin, timeout: 5_000 });

const res = sync.get('/config', { params: { env: 'prod' } }); // blocks until the whole body is here
console.log(res.status, res.json());

const moved = sync.get('/old-config'); // redirects, cookies, retries: the same chain as the async client
const hops = moved.history.map((h) => h.status);
console.log(moved.status, hops, new URL(moved.url).pathname);
sync.close();
// sync:end

serverWorker.postMessage('stop');
await once(serverWorker, 'exit');
