import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/core/index.js';
import { createNodeTransport, type NodeTransportOptions } from '../../src/transports/node/index.js';

test('bad Node transport options are InvalidOptionErrors naming the option, before any I/O', () => {
  const bad: [NodeTransportOptions, string][] = [
    [{ connections: 0 }, 'node.connections'],
    [{ connections: 1.5 }, 'node.connections'],
    [{ keepAliveTimeout: -1 }, 'node.keepAliveTimeout'],
    [{ allowH2: 'yes' as unknown as boolean }, 'node.allowH2'],
    [{ proxy: 42 as unknown as string }, 'node.proxy'],
    [{ proxy: 'ftp://proxy.test' }, 'node.proxy'],
    [{ tls: { minVersion: 'TLSv9' as 'TLSv1.3' } }, 'node.tls.minVersion'],
    [{ tls: { verify: 3 as unknown as boolean } }, 'node.tls.verify'],
    [{ tls: { verify: '/nonexistent/ferry-ca.pem' } }, 'node.tls.verify'],
    [{ proxyTls: (() => ({})) as unknown as object }, 'node.proxyTls'],
    [{ socketPath: { 'not an origin': '/tmp/s.sock' } }, 'node.socketPath'],
    [{ connect: 'x' as unknown as NonNullable<NodeTransportOptions['connect']> }, 'node.connect'],
  ];
  for (const [options, option] of bad) {
    assert.throws(
      () => createNodeTransport(options),
      (e: unknown) => e instanceof InvalidOptionError && e.option === option,
      `${JSON.stringify(options)} → ${option}`,
    );
  }
});

test('good options build a transport; capabilities are truthful', async () => {
  const transport = createNodeTransport({
    connections: 2,
    keepAliveTimeout: 1000,
    allowH2: true,
    proxy: (url) => (url.hostname === 'proxied.test' ? 'socks5h://127.0.0.1:1080' : null),
    tls: (host) => (host === 'internal.test' ? { verify: false } : {}),
    socketPath: { 'http://api.local/': '/tmp/api.sock' },
  });
  assert.deepEqual(transport.stats(), {});
  assert.equal(transport.capabilities.proxy, true);
  await transport.close();
});
