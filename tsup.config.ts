import { defineConfig } from 'tsup';

// One build, all entries, code splitting: exactly one copy of core in dist/. Root entries
// differ only in the transport they wire; all share dist/index.d.ts for their types.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
    'index.deno': 'src/index.deno.ts',
    'index.bun': 'src/index.bun.ts',
    'index.core': 'src/index.core.ts',
    'core/kit': 'src/core/kit.ts',
    'transports/node/index': 'src/transports/node/index.ts',
    'transports/browser/index': 'src/transports/browser/index.ts',
    'transports/deno/index': 'src/transports/deno/index.ts',
    'transports/bun/index': 'src/transports/bun/index.ts',
    'transports/mock/index': 'src/transports/mock/index.ts',
    'sync/index': 'src/sync/index.ts',
    'sync/worker': 'src/sync/worker.ts',
    'sync/browser': 'src/sync/browser.ts',
  },
  format: ['esm'],
  splitting: true,
  dts: true,
  platform: 'neutral',
  // Keep `node:` specifiers as written: Deno and Bun resolve them, bare 'net' fails on Deno.
  removeNodeProtocol: false,
  external: [/^node:/, 'undici', 'tough-cookie', 'ws', 'socks', 'msw'],
  target: 'es2022',
  sourcemap: true,
  clean: true,
});
