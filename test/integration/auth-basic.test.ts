import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuth, bearer, digestAuth } from '../../src/core/index.js';
import { createClient } from '../../src/transports/node/index.js';
import { createTestServer } from '../helpers/server.js';

test('basic, bearer and URL credentials on the wire (node transport, real server)', async (t) => {
  const seen: { url: string | undefined; authorization: string | undefined }[] = [];
  const server = await createTestServer(t, (req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    const ok =
      req.headers.authorization === `Basic ${Buffer.from('ü:päss').toString('base64')}` || req.headers.authorization === 'Bearer tok';
    res.writeHead(ok ? 200 : 401, ok ? {} : { 'www-authenticate': 'Basic realm="x", charset="UTF-8"' }).end(ok ? 'in' : 'out');
  });
  const client = createClient({ cookies: false });
  t.after(() => client.close());
  assert.equal((await client.get(`${server.url}/a`, { auth: basicAuth('ü', 'päss') })).status, 200);
  assert.equal((await client.get(`${server.url}/b`, { auth: bearer(async () => 'tok') })).status, 200);
  const fromUrl = await client.get(`http://%C3%BC:p%C3%A4ss@127.0.0.1:${server.port}/c?q=1`);
  assert.equal(fromUrl.status, 200);
  assert.equal(fromUrl.url, `${server.url}/c?q=1`);
  assert.equal(seen[2]?.url, '/c?q=1');
  const wrong = await client.get(`${server.url}/d`, { auth: basicAuth('ü', 'nope') });
  assert.equal(wrong.status, 401);
  assert.equal(await wrong.text(), 'out');
  assert.equal(seen.length, 4);
});

test('credentials follow same-origin redirects only, unless the origin is listed (real redirects, two servers)', async (t) => {
  const seenB: (string | undefined)[] = [];
  const b = await createTestServer(t, (req, res) => {
    seenB.push(req.headers.authorization);
    if (req.url === '/digest') {
      res.writeHead(401, { 'www-authenticate': 'Digest realm="b", qop="auth", nonce="n0nce", algorithm=MD5' }).end('b says no');
      return;
    }
    res.end('b');
  });
  const seenA: (string | undefined)[] = [];
  const a = await createTestServer(t, (req, res) => {
    seenA.push(req.headers.authorization);
    if (req.url?.startsWith('/to-b')) return void res.writeHead(302, { location: `${b.url}${req.url.slice(5) || '/land'}` }).end();
    if (req.url === '/to-a') return void res.writeHead(302, { location: '/land' }).end();
    res.end('a');
  });
  const client = createClient({ cookies: false, retry: false });
  t.after(() => client.close());

  const same = await client.get(`${a.url}/to-a`, { auth: basicAuth('u', 'p') });
  assert.equal(await same.text(), 'a');
  assert.deepEqual(seenA, [basicHeader('u', 'p'), basicHeader('u', 'p')]);

  const cross = await client.get(`${a.url}/to-b`, { auth: basicAuth('u', 'p') });
  assert.equal(await cross.text(), 'b');
  assert.deepEqual(seenB, [undefined], 'the other origin got no credentials');

  const fromUrl = await client.get(`http://u:p@127.0.0.1:${a.port}/to-b`);
  assert.equal(await fromUrl.text(), 'b');
  assert.equal(seenB[1], undefined, 'URL credentials are scoped to their origin');

  const listed = await client.get(`${a.url}/to-b`, { auth: bearer('t', { origins: [b.url] }) });
  assert.equal(await listed.text(), 'b');
  assert.equal(seenB[2], 'Bearer t', 'a listed origin gets them');

  // A digest challenge from the other origin is not answered: the 401 comes back as it is.
  const digest = await client.get(`${a.url}/to-b/digest`, { auth: digestAuth('u', 'p') });
  assert.equal(digest.status, 401);
  assert.equal(await digest.text(), 'b says no');
  assert.deepEqual(seenB.slice(3), [undefined]);
});

function basicHeader(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

test('URL credentials stay out of transport errors and the response (connection refused, real socket)', async (t) => {
  const server = await createTestServer(t, (_req, res) => void res.end('x'));
  const port = server.port;
  await server.close(); // nothing listens there now
  const client = createClient({ cookies: false, retry: false });
  t.after(() => client.close());
  await assert.rejects(client.get(`http://user:hunter2@127.0.0.1:${port}/private`), (e: Error) => {
    assert.ok(!e.message.includes('hunter2'), e.message);
    assert.ok(!String((e as { request?: Request }).request?.url ?? '').includes('hunter2'));
    return true;
  });
});
