/**
 * A session: log in through a form, keep the cookie, follow redirects with their history,
 * and see the two redirect policies ('browser' = the fetch spec, 'strict' = Twisted's
 * RedirectAgent) treat a 302 after a POST differently.
 * Starts its own server on 127.0.0.1 (a free port), prints what happened, exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../src/index.node.js';

const server = createServer((req, res) => {
  const cookie = req.headers.cookie ?? '';
  switch (`${req.method} ${req.url}`) {
    case 'POST /login': // form login: set the session cookie, then 303 to the dashboard
      return void req
        .resume()
        .on('end', () => res.writeHead(303, { location: '/dashboard', 'set-cookie': 'sid=abc123; Path=/; HttpOnly' }).end());
    case 'GET /dashboard':
      return void res.end(cookie.includes('sid=abc123') ? 'dashboard for a logged-in user' : 'please log in');
    case 'GET /old':
      return void res.writeHead(301, { location: '/older' }).end();
    case 'GET /older':
      return void res.writeHead(302, { location: '/dashboard' }).end();
    case 'POST /submit': // a 302 after a POST
      return void req.resume().on('end', () => res.writeHead(302, { location: '/done' }).end());
    default:
      return void res.end(`${req.method} ${req.url}`);
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// session:begin
const session = createClient({ baseURL: origin }); // a cookie jar comes with every client

const login = await session.post('/login', { form: { user: 'ada', password: 'lovelace' } });
console.log(login.status, await login.text()); // 200, after the 303
console.log('cookies:', await session.cookies?.getCookieString(origin));

const page = await session.get('/old'); // 301 → 302 → 200
const hops = page.history.map((r) => `${r.status} ${new URL(r.url).pathname}`);
console.log(hops, '→', new URL(page.url).pathname);
console.log(await page.text());
// session:end

// policies:begin
const browser = await session.post('/submit', { body: 'x' }); // fetch spec: the POST becomes a GET
console.log('browser:', browser.status, await browser.text());
const strict = await session.post('/submit', { body: 'x', redirectPolicy: 'strict' }); // Twisted: not followed
console.log('strict:', strict.status, strict.headers.get('location'));
const manual = await session.get('/old', { redirect: 'manual' }); // the 3xx as it is
console.log('manual:', manual.status, manual.headers.get('location'));
// policies:end

await session.close();
server.close();
