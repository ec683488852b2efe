import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapabilityError, createClient, FerryWebSocket, InvalidOptionError } from '../../src/core/index.js';
import { webSocketFeed } from '../../src/core/kit.js';
import { createBrowserTransport } from '../../src/transports/browser/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

function fakeDriver() {
  const sent: unknown[] = [];
  const closed: unknown[] = [];
  return {
    sent,
    closed,
    driver: {
      protocol: 'chat',
      extensions: '',
      bufferedAmount: 0,
      send: (d: unknown) => sent.push(d),
      close: (c?: number, r?: string) => closed.push([c, r]),
    },
  };
}

test('explicit upgrade headers on the browser transport are a CapabilityError before any I/O', async () => {
  let opened = 0;
  const transport = createBrowserTransport({ fetch: () => Promise.reject(new Error('no I/O expected')) });
  const client = createClient({ transport, cookies: false });
  const original = globalThis.WebSocket;
  (globalThis as { WebSocket?: unknown }).WebSocket = class {
    constructor() {
      opened++;
    }
  };
  try {
    await assert.rejects(client.websocket('ws://127.0.0.1:1/x', { headers: { 'x-a': '1' } }), (e: unknown) => {
      assert.ok(e instanceof CapabilityError);
      assert.equal(e.transport, 'browser');
      assert.equal(e.capability, 'websocketHeaders');
      return true;
    });
  } finally {
    (globalThis as { WebSocket?: unknown }).WebSocket = original;
  }
  assert.equal(opened, 0);
});

test('a transport without WebSocket support refuses with a CapabilityError; bad URLs with InvalidOptionError', async () => {
  const client = createClient({ transport: inlineTransport(() => new Response('x')), cookies: false });
  await assert.rejects(client.websocket('ws://127.0.0.1:1/'), (e: unknown) => e instanceof CapabilityError && e.capability === 'websocket');
  await assert.rejects(client.websocket('file:///etc/passwd'), InvalidOptionError);
});

test('FerryWebSocket: standard states, send before open throws, messages queue for a later iterator', async () => {
  const { driver, sent } = fakeDriver();
  const ws = new FerryWebSocket('ws://127.0.0.1/x', driver);
  assert.equal(ws.readyState, FerryWebSocket.CONNECTING);
  assert.throws(() => ws.send('early'), { name: 'InvalidStateError' });
  const feed = webSocketFeed(ws);
  feed.open();
  assert.equal(ws.readyState, FerryWebSocket.OPEN);
  assert.equal(ws.protocol, 'chat');
  ws.send('hello');
  assert.deepEqual(sent, ['hello']);
  feed.message('a');
  feed.message('b');
  const got: unknown[] = [];
  const reading = (async () => {
    for await (const m of ws) got.push(m);
  })();
  feed.message('c');
  feed.close(1000, 'bye', true);
  await reading;
  assert.deepEqual(got, ['a', 'b', 'c']);
  assert.equal(ws.readyState, FerryWebSocket.CLOSED);
  ws.send('after close is dropped, as the standard says');
  assert.deepEqual(sent, ['hello']);
});

test('FerryWebSocket: an error ends iteration with that error; close validates code and reason', async () => {
  const { driver, closed } = fakeDriver();
  const ws = new FerryWebSocket('ws://127.0.0.1/x', driver);
  const feed = webSocketFeed(ws);
  feed.open();
  assert.throws(() => ws.close(1001), { name: 'InvalidAccessError' });
  assert.throws(() => ws.close(1000, 'é'.repeat(62)), { name: 'SyntaxError' });
  const boom = new Error('socket broke');
  const iterating = (async () => {
    for await (const _m of ws) {
      /* nothing */
    }
  })();
  feed.error(boom);
  await assert.rejects(iterating, (e) => e === boom);
  ws.close(3000, 'ok');
  assert.deepEqual(closed, [[3000, 'ok']]);
});
