/**
 * OAuth 2.0 client credentials: ferry gets a token from the token endpoint, caches it, sends it
 * as a bearer token, gets a new one when the API says `invalid_token`, and reports a refused
 * client as an AuthError carrying the OAuth error code.
 * Starts its own token endpoint and API on 127.0.0.1 (a free port), prints, exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, createClient, oauth2 } from '../src/index.node.js';

const valid = new Set<string>();
let tokensIssued = 0;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'POST' && url.pathname === '/oauth/token') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const client = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      res.setHeader('content-type', 'application/json');
      if (form.get('grant_type') !== 'client_credentials' || client !== 'reporting:s3cret') {
        return void res.writeHead(401).end(JSON.stringify({ error: 'invalid_client', error_description: 'unknown client' }));
      }
      const token = randomBytes(8).toString('hex');
      valid.add(token);
      tokensIssued++;
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') }));
    });
    return;
  }
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  if (!valid.has(token)) {
    return void res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
  }
  if (url.pathname === '/admin/revoke-all') valid.clear(); // as if the server rotated its keys
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: url.pathname, ok: true }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// oauth2:begin
const auth = oauth2({
  grant: 'client_credentials',
  tokenUrl: `${origin}/oauth/token`,
  clientId: 'reporting',
  clientSecret: 's3cret', // sent with HTTP Basic (clientAuth: 'body' puts it in the form)
  scope: ['reports:read'],
});
const api = createClient({ baseURL: origin, auth });

console.log(await (await api.get('/reports/daily')).json()); // token fetched, then the request
console.log(await (await api.get('/reports/weekly')).json()); // cached token reused
console.log('token scope:', auth.token?.scope);
// oauth2:end

await api.get('/admin/revoke-all'); // the server forgets every token
console.log(await (await api.get('/reports/monthly')).json()); // 401 invalid_token → new token → retried once
console.log('tokens issued:', tokensIssued);

const refused = createClient({
  baseURL: origin,
  auth: oauth2({ grant: 'client_credentials', tokenUrl: `${origin}/oauth/token`, clientId: 'reporting', clientSecret: 'wrong' }),
});
try {
  await refused.get('/reports/daily');
} catch (e) {
  if (e instanceof AuthError) console.log('refused:', e.code, e.error);
}

await api.close();
await refused.close();
server.close();
