import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, fetch } from '../../src/index.node.js';
import { createTestServer, readBody } from '../helpers/server.js';

test('a foreign Request with a string or bytes body keeps its Content-Length', async (t) => {
  const server = await createTestServer(t, async (req, res) => {
    const body = (await readBody(req)).toString();
    res.end(JSON.stringify({ length: req.headers['content-length'] ?? null, te: req.headers['transfer-encoding'] ?? null, body }));
  });
  const client = createClient();
  t.after(() => client.close());
  for (const send of [fetch, client.fetch]) {
    const echo = async (r: Request) => (await (await send(r)).json()) as { length: string | null; te: string | null; body: string };
    assert.deepEqual(await echo(new Request(`${server.url}/x`, { method: 'PUT', body: 'hello' })), {
      length: '5',
      te: null,
      body: 'hello',
    });
    assert.deepEqual(await echo(new Request(`${server.url}/x`, { method: 'POST', body: new Uint8Array([104, 105]) })), {
      length: '2',
      te: null,
      body: 'hi',
    });
    assert.deepEqual(await echo(new Request(`${server.url}/x`, { method: 'POST', body: new Blob(['blob!']) })), {
      length: '5',
      te: null,
      body: 'blob!',
    });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('streamed'));
        c.close();
      },
    });
    assert.deepEqual(await echo(new Request(`${server.url}/x`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit)), {
      length: null,
      te: 'chunked',
      body: 'streamed',
    });
  }
});
