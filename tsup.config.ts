import { defineConfig } from 'tsup';

// One build, all entries, code splitting: exactly one copy of core in dist/.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'index.node': 'src/index.node.ts',
    'core/index': 'src/core/index.ts',
    'transports/node/index': 'src/transports/node/index.ts',
    'transports/mock/index': 'src/transports/mock/index.ts',
  },
  format: ['esm'],
  splitting: true,
  dts: true,
  platform: 'neutral',
  external: [/^node:/, 'undici', 'tough-cookie', 'ws', 'msw'],
  target: 'es2022',
  sourcemap: true,
  clean: true,
});
