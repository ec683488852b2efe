/**
 * The conformance suite on the machine's Node (20), in-process, from source: the Node
 * transport through the package's Node entry.
 */
import { after, test } from 'node:test';
import zlib from 'node:zlib';
import { createClient, fetch } from '../../src/index.node.js';
import { startConformanceServers } from './server.js';
import { createAssert, defineTransportSuite } from './suite.js';

const servers = await startConformanceServers();
after(() => servers.close());

const zstd = typeof (zlib as unknown as Record<string, unknown>).zstdDecompress === 'function';
const cases = defineTransportSuite(createClient, {
  baseURL: servers.baseURL,
  otherURL: servers.otherURL,
  closedURL: servers.closedURL,
  runtime: `node${process.versions.node}`,
  zstd,
  fetch,
});

test('the node entry defaults to the node transport', () => {
  const c = createClient({ cookies: false });
  if (c.transport.name !== 'node') throw new Error(`got ${c.transport.name}`);
  void c.close();
});

for (const c of cases) test(c.name, () => c.run(createAssert()));
