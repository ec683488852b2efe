/**
 * Subresource Integrity on the Node transport (undici underneath, no fetch): what Node's own
 * fetch verifies, ferry verifies too, against a real Node server on 127.0.0.1; and after
 * a mismatch the pooled connection is still usable.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { IntegrityError } from '../../src/core/index.js';
import { createClient, fetch } from '../../src/index.node.js';
import { createTestServer } from '../helpers/server.js';

const asset = 'export const answer = 42;\n'.repeat(2000);
const sri = (alg: string, data: string = asset): string => `${alg}-${createHash(alg).update(data).digest('base64')}`;

test('node: a matching integrity passes, a mismatch fails like Node’s fetch does', async (t) => {
  const server = await createTestServer(t, (req, res) => {
    if (req.url === '/moved') res.writeHead(302, { location: '/asset.gz' }).end();
    else if (req.url === '/asset.gz')
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/javascript' }).end(zlib.gzipSync(asset));
    else res.writeHead(200, { 'content-type': 'text/javascript' }).end(asset);
  });
  const client = createClient({ cookies: false, retry: false });
  t.after(() => client.close());

  assert.equal(await (await fetch(`${server.url}/asset`, { integrity: sri('sha512') })).text(), asset);
  assert.equal(await (await client.get(`${server.url}/moved`, { integrity: `${sri('sha256', 'x')} ${sri('sha384')}` })).text(), asset);

  await assert.rejects(fetch(`${server.url}/asset`, { integrity: sri('sha256', 'tampered') }), (e: unknown) => {
    assert.ok(e instanceof IntegrityError);
    assert.ok(e instanceof TypeError);
    assert.match(e.message, new RegExp(`^GET ${server.url}/asset: the response body does not match`));
    return true;
  });
  // Node's own fetch agrees on both outcomes.
  assert.equal(await (await globalThis.fetch(`${server.url}/asset`, { integrity: sri('sha512') })).text(), asset);
  await assert.rejects(globalThis.fetch(`${server.url}/asset`, { integrity: sri('sha256', 'tampered') }), TypeError);

  // The connection was read to its end: the next request reuses it.
  const before = server.connections();
  await assert.rejects(client.get(`${server.url}/asset`, { integrity: sri('sha256', 'tampered') }), IntegrityError);
  assert.equal(await (await client.get(`${server.url}/asset`)).text(), asset);
  assert.equal(server.connections(), before);
});
