/**
 * Conformance cases: WebSockets over the session (`client.websocket`), with headers where the
 * transport can put them on the upgrade and a CapabilityError where it cannot.
 */
import type { FerryWebSocket } from '../../src/core/index.js';
import { type ConformanceCase, expectCapability, type SuiteContext } from './suite.js';

/** Reads messages in order (FerryWebSocket queues what arrives before anyone listens for the iterator). */
function reader(ws: FerryWebSocket): () => Promise<string> {
  const it = ws[Symbol.asyncIterator]();
  return async () => {
    const r = await it.next();
    if (r.done) throw new Error('the socket closed');
    return typeof r.value === 'string' ? r.value : new TextDecoder().decode(r.value);
  };
}

export function websocketCases(ctx: SuiteContext): ConformanceCase[] {
  const caps = ctx.transport.capabilities;
  const name = ctx.transport.name;
  const wsURL = `${ctx.env.baseURL.replace(/^http/, 'ws')}/ws`;
  return [
    {
      name: 'websocket: a subprotocol is negotiated; text and binary messages echo',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const ws = await c.websocket(wsURL, { protocols: ['ferry.v1', 'other'] });
          const next = reader(ws);
          try {
            assert.equal(ws.protocol, 'ferry.v1');
            const hello = JSON.parse(await next()) as { protocol: string };
            assert.equal(hello.protocol, 'ferry.v1');
            ws.send('ping');
            assert.equal(await next(), 'ping');
            ws.send(new TextEncoder().encode('bytes'));
            assert.equal(await next(), 'bytes');
          } finally {
            ws.close();
          }
        }),
    },
    {
      name: caps.websocketHeaders
        ? 'websocket: headers go out on the upgrade'
        : 'websocket: upgrade headers are refused with a CapabilityError',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          if (!caps.websocketHeaders) {
            expectCapability(assert, await assert.rejects(c.websocket(wsURL, { headers: { 'x-ws': 'yes' } })), name, 'websocketHeaders');
            return;
          }
          const ws = await c.websocket(wsURL, { headers: { 'x-ws': 'yes' } });
          const next = reader(ws);
          try {
            assert.equal((JSON.parse(await next()) as { header: string | null }).header, 'yes');
          } finally {
            ws.close();
          }
        }),
    },
  ];
}
