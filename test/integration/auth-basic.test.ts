import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuth, bearer } from '../../src/core/index.js';
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
