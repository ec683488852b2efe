/**
 * Conformance cases: timeouts, abort, error types, capability errors.
 */
import type { ClientOptions } from '../../src/core/index.js';
import { type ConformanceCase, expectCapability, expectCode, type SuiteContext } from './suite.js';

export function errorCases(ctx: SuiteContext): ConformanceCase[] {
  const { url } = ctx;
  const caps = ctx.transport.capabilities;
  const name = ctx.transport.name;
  const cases: ConformanceCase[] = [
    {
      name: 'timeouts: a total timeout rejects with TimeoutError (a TypeError)',
      run: (assert) =>
        ctx.withClient({ cookies: false, retry: false }, async (c) => {
          const e = await assert.rejects(c.get(url('/slow-headers?ms=8000'), { timeout: 250 }));
          expectCode(assert, e, 'ERR_TIMEOUT');
          assert.ok(e instanceof TypeError, 'instanceof TypeError');
        }),
    },
    {
      name: 'timeouts: a total timeout also ends a stalled body read',
      run: (assert) =>
        ctx.withClient({ cookies: false, retry: false }, async (c) => {
          const e = await assert.rejects(async () => (await c.get(url('/slow-body?ms=8000'), { timeout: 400 })).text());
          expectCode(assert, e, 'ERR_TIMEOUT');
        }),
    },
    {
      name: 'abort: an aborted signal rejects with exactly signal.reason, before any I/O',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const path = ctx.unique('pre-aborted');
          const reason = { why: 'mine' };
          const e = await assert.rejects(c.get(url(path), { signal: AbortSignal.abort(reason) }));
          assert.equal(e, reason, 'the reason itself');
          assert.equal(await ctx.hits(path), 0, 'nothing was sent');
        }),
    },
    {
      name: 'abort: while waiting for headers rejects with exactly signal.reason',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const ac = new AbortController();
          const reason = new Error('custom reason');
          const pending = c.get(url('/slow-headers?ms=8000'), { signal: ac.signal });
          setTimeout(() => ac.abort(reason), 100);
          assert.equal(await assert.rejects(pending), reason);
        }),
    },
    {
      name: 'abort: while reading the body rejects the read with exactly signal.reason',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const ac = new AbortController();
          const res = await c.get(url('/slow-body?ms=8000'), { signal: ac.signal });
          const reader = (res.body as ReadableStream<Uint8Array>).getReader();
          await reader.read();
          setTimeout(() => ac.abort('string reason'), 50);
          assert.equal(await assert.rejects(reader.read()), 'string reason');
        }),
    },
    {
      name: 'errors: connection refused rejects with a TransportError (a TypeError)',
      run: (assert) =>
        ctx.withClient({ cookies: false, retry: false }, async (c) => {
          const e = await assert.rejects(c.get(`${ctx.env.closedURL}/x`));
          expectCode(assert, e, 'ERR_CONNECT', 'ERR_NETWORK');
          assert.ok(e instanceof TypeError, 'instanceof TypeError');
          assert.ok((e as Error).message.startsWith(`GET ${ctx.env.closedURL}/x: `), `message: ${(e as Error).message}`);
        }),
    },
    {
      name: 'errors: a body cut short rejects the read with ResponseTruncatedError',
      run: (assert) =>
        ctx.withClient({ cookies: false, retry: false }, async (c) => {
          const e = await assert.rejects(async () => (await c.get(url('/truncated'))).text());
          expectCode(assert, e, 'ERR_TRUNCATED');
        }),
    },
    {
      name: 'errors: bad input is refused before any I/O (URL, CRLF header, scheme)',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const path = ctx.unique('bad-input');
          expectCode(assert, await assert.rejects(() => c.get('http://[::1')), 'ERR_INVALID_OPTION');
          expectCode(assert, await assert.rejects(() => c.get(url(path), { headers: { 'x-bad': 'a\r\nb' } })), 'ERR_INVALID_OPTION');
          expectCode(assert, await assert.rejects(() => c.get('ftp://127.0.0.1/file')), 'ERR_INVALID_OPTION');
          assert.equal(await ctx.hits(path), 0, 'nothing was sent');
        }),
    },
  ];

  // What each missing capability means for an explicit option, checked before any I/O.
  const probes: [keyof typeof caps, string, ClientOptions][] = [];
  if (name !== 'node') {
    if (!caps.proxy) probes.push(['proxy', 'node.proxy', { node: { proxy: 'http://127.0.0.1:9' } }]);
    if (!caps.tls) probes.push(['tls', 'node.tls', { node: { tls: { verify: false } } }]);
    if (!caps.unixSocket) probes.push(['unixSocket', 'node.socketPath', { node: { socketPath: '/tmp/none.sock' } }]);
    probes.push(['http2', 'node.connections', { node: { connections: 3 } }]);
  }
  for (const [cap, capability, options] of probes) {
    cases.push({
      name: `capabilities: ${capability} is refused by the ${name} transport with a CapabilityError`,
      run: async (assert) => {
        const e = await assert.rejects(() => ctx.make({ cookies: false, ...options }), undefined, `${cap}: expected a CapabilityError`);
        expectCapability(assert, e, name, capability);
      },
    });
  }
  if (name === 'bun') {
    cases.push({
      name: 'capabilities: a SOCKS proxy is refused by the bun transport with a CapabilityError',
      run: async (assert) => {
        const e = await assert.rejects(() => ctx.make({ node: { proxy: 'socks5://127.0.0.1:9' } }));
        expectCapability(assert, e, 'bun', 'proxy.socks');
      },
    });
  }
  if (name === 'deno') {
    cases.push({
      name: 'capabilities: tls.verify: false is refused by the deno transport with a CapabilityError',
      run: async (assert) => {
        const e = await assert.rejects(() => ctx.make({ node: { tls: { verify: false } } }));
        expectCapability(assert, e, 'deno', 'tls.verify');
      },
    });
  }
  return cases;
}
