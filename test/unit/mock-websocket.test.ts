/**
 * WebSocket mocking through msw's `ws` API on the mock transport: the upgrade travels the
 * client's chain (cookies, auth, recorded), messages go both ways, either side closes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpResponse, http, ws } from 'msw';
import { bearer } from '../../src/core/index.js';
// `ferry` on Node, as the README's mock example imports it: a jar by default.
import { createClient } from '../../src/index.node.js';
import { createMockTransport } from '../../src/transports/mock/index.js';

const chat = ws.link('wss://chat.example.com/room/:id');

function nextClose(socket: EventTarget): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    socket.addEventListener('close', (e) => resolve({ code: (e as CloseEvent).code, reason: (e as CloseEvent).reason }), { once: true }),
  );
}

describe('mock transport: WebSocket through msw ws handlers', () => {
  test('echo both ways; the upgrade carries cookies and auth and is recorded', async () => {
    const seen: string[] = [];
    const transport = createMockTransport([
      http.post(
        'https://chat.example.com/login',
        () => new HttpResponse(null, { status: 204, headers: { 'set-cookie': 'sid=7; Path=/' } }),
      ),
      chat.addEventListener('connection', ({ client, params }) => {
        client.send(`joined room ${params.id}`);
        client.addEventListener('message', (event) => {
          seen.push(String(event.data));
          if (event.data === 'bye') client.close(1000, 'done');
          else client.send(String(event.data).toUpperCase());
        });
      }),
    ]);
    const client = createClient({ transport, auth: bearer('tok') });
    await client.post('https://chat.example.com/login');
    const socket = await client.websocket('wss://chat.example.com/room/42', { protocols: ['chat.v1'] });
    assert.equal(socket.readyState, 1);
    assert.equal(socket.protocol, 'chat.v1');
    assert.equal(socket.response?.status, 101);
    socket.send('hello');
    socket.send('bye');
    const received: unknown[] = [];
    for await (const message of socket) received.push(message);
    assert.deepEqual(received, ['joined room 42', 'HELLO']);
    assert.deepEqual(seen, ['hello', 'bye']);
    assert.equal(socket.readyState, 3);

    const upgrade = transport.requests.at(-1);
    assert.equal(upgrade?.url, 'https://chat.example.com/room/42');
    assert.equal(upgrade?.headers.get('cookie'), 'sid=7');
    assert.equal(upgrade?.headers.get('authorization'), 'Bearer tok');
  });

  test('binary messages, and a close by the client reaches the handler', async () => {
    let closedWith: number | undefined;
    const transport = createMockTransport([
      chat.addEventListener('connection', ({ client }) => {
        client.addEventListener('message', (event) => client.send(event.data as ArrayBuffer));
        client.addEventListener('close', (event) => (closedWith = event.code));
      }),
    ]);
    const socket = await createClient({ transport }).websocket('wss://chat.example.com/room/1');
    const got = new Promise<unknown>((resolve) =>
      socket.addEventListener('message', (e) => resolve((e as MessageEvent).data), { once: true }),
    );
    socket.send(new Uint8Array([1, 2, 3]));
    const data = await got;
    assert.ok(data instanceof ArrayBuffer);
    assert.deepEqual([...new Uint8Array(data)], [1, 2, 3]);
    const closed = nextClose(socket);
    socket.close(1000, 'client done');
    assert.deepEqual(await closed, { code: 1000, reason: 'client done' });
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(closedWith, 1000);
  });

  test('an unmatched upgrade is an error naming the URL; server.connect() has no server to reach', async () => {
    const transport = createMockTransport([
      chat.addEventListener('connection', ({ server }) => {
        assert.throws(() => server.connect(), /no real WebSocket server/);
      }),
    ]);
    const client = createClient({ transport });
    await assert.rejects(client.websocket('wss://other.example.com/x'), {
      code: 'ERR_MOCK_UNHANDLED',
      message: 'GET https://other.example.com/x: no mock WebSocket handler matched',
    });
    const socket = await client.websocket('wss://chat.example.com/room/2');
    socket.close();
  });

  test('an HTTP 4xx on the upgrade path stays an HTTP answer; ws handlers do not disturb HTTP resolution', async () => {
    const transport = createMockTransport([
      chat.addEventListener('connection', () => {}),
      http.get('https://chat.example.com/room/:id', () => HttpResponse.text('plain http')),
    ]);
    const client = createClient({ transport });
    assert.equal(await (await client.get('https://chat.example.com/room/3')).text(), 'plain http');
    await assert.rejects(createClient({ transport: createMockTransport([]) }).websocket('ws://chat.example.com/'), (e: unknown) => {
      return (e as { code?: string }).code === 'ERR_MOCK_UNHANDLED' && (e as Error).name === 'TransportError';
    });
  });
});

test('a handler that greets and closes at once: the greeting arrives before the close', async () => {
  const transport = createMockTransport([
    chat.addEventListener('connection', ({ client }) => {
      client.send('one');
      client.send('two');
      client.close(4000, 'full');
    }),
  ]);
  const socket = await createClient({ transport }).websocket('wss://chat.example.com/room/9');
  const closed = nextClose(socket);
  const received: unknown[] = [];
  for await (const message of socket) received.push(message);
  assert.deepEqual(received, ['one', 'two']);
  assert.deepEqual(await closed, { code: 4000, reason: 'full' });
});

test('an unmatched upgrade goes to the onUnhandled transport when it can upgrade', async () => {
  const seen: string[] = [];
  const real = createMockTransport([
    chat.addEventListener('connection', ({ client }) => {
      seen.push(client.url.href);
      client.close(1000, 'from the fallback');
    }),
  ]);
  const transport = createMockTransport([], { onUnhandled: real });
  const socket = await createClient({ transport }).websocket('wss://chat.example.com/room/5');
  const closed = nextClose(socket);
  assert.deepEqual(await closed, { code: 1000, reason: 'from the fallback' });
  assert.deepEqual(seen, ['wss://chat.example.com/room/5']);
  assert.equal(transport.requests.length, 1);
  assert.equal(real.requests.length, 1);
});
