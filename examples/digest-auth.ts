/**
 * Digest authentication (RFC 7616): the server challenges, ferry answers once with the
 * strongest algorithm offered, and reuses the protection space for the next request.
 * Starts its own digest-protected server on 127.0.0.1 (a free port), prints, exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, digestAuth } from '../src/index.node.js';

const realm = 'ferry-example';
const users: Record<string, string> = { ada: 'lovelace' };
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const nonces = new Set<string>();

const server = createServer((req, res) => {
  const header = req.headers.authorization ?? '';
  const p = Object.fromEntries([...header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3] ?? '']));
  const password = p.username === undefined ? undefined : users[p.username];
  if (header.startsWith('Digest ') && password !== undefined && p.nonce !== undefined && nonces.has(p.nonce)) {
    const ha1 = sha256(`${p.username}:${realm}:${password}`);
    const ha2 = sha256(`${req.method}:${p.uri}`);
    if (p.response === sha256(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)) {
      return void res.end(`hello ${p.username}, you asked for ${p.uri} (algorithm ${p.algorithm}, nc ${p.nc})`);
    }
  }
  const nonce = randomBytes(16).toString('hex');
  nonces.add(nonce);
  res.writeHead(401, { 'www-authenticate': `Digest realm="${realm}", qop="auth", algorithm=SHA-256, nonce="${nonce}"` }).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const seen: number[] = [];
// digest:begin
const client = createClient({ baseURL: origin, auth: digestAuth('ada', 'lovelace') });
client.on('onHeaders', (res) => seen.push(res.status));

const first = await client.get('/reports?year=2024'); // 401 challenge, answered once
console.log(first.status, await first.text());
const second = await client.get('/reports/2025'); // the same space: answered up front
console.log(second.status, await second.text());

const wrong = await createClient({ baseURL: origin, auth: digestAuth('ada', 'wrong') }).get('/reports');
console.log('wrong password:', wrong.status); // the second 401 comes back, no loop
// digest:end
console.log('statuses on the wire:', seen.join(' '));

await client.close();
server.close();
