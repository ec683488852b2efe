import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as kit from '../../src/core/kit.js';
import { errorClasses } from '../../src/sync/wire.js';

test('the sync client rebuilds every error class of the tree in the calling thread', () => {
  const tree = Object.entries(kit)
    .filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error)
    .map(([name]) => name)
    .sort();
  assert.ok(tree.length >= 17, tree.join(', '));
  for (const name of tree) assert.equal(errorClasses[name], (kit as Record<string, unknown>)[name], name);
});
