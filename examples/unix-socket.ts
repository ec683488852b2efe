/**
 * Talking HTTP over a unix domain socket (a Docker-style local API): the URL names the
 * origin, `socketPath` says where the bytes go. One socket for the whole client, or one per
 * origin. Starts its own server on a socket in the temp directory, prints, exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../src/index.node.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-unix-'));
const socketPath = join(dir, 'api.sock');
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host }));
});
await new Promise<void>((resolve) => server.listen(socketPath, resolve));

// unix:begin
const docker = createClient({ baseURL: 'http://docker.local/v1.43/', node: { socketPath } });
console.log(await (await docker.get('containers/json', { params: { all: true } })).json());

// Or one socket per origin; other origins go over TCP as usual.
const mixed = createClient({ node: { socketPath: { 'http://api.local': socketPath } } });
console.log(await (await mixed.post('http://api.local/jobs', { json: { run: 'backup' } })).json());
// unix:end

await docker.close();
await mixed.close();
server.close();
rmSync(dir, { recursive: true, force: true });
