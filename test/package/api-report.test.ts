/**
 * The public surface is pinned: api-report.md (committed) must list exactly what each
 * package entry exports, as scripts/api-report.mjs reads it from the sources. A name that
 * appears, changes or disappears without the report being updated fails here; run
 * `npm run api:report` and review the diff in the same commit.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
// @ts-expect-error: a plain ES module script without types
import { entries, renderReport } from '../../scripts/api-report.mjs';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, unknown> };

test('api-report.md lists every export of every entry as the code has it (npm run api:report updates it)', () => {
  const committed = readFileSync(new URL('api-report.md', root), 'utf8');
  const current = renderReport() as string;
  if (committed !== current) {
    const a = committed.split('\n');
    const b = current.split('\n');
    const gone = a.filter((l) => !b.includes(l));
    const added = b.filter((l) => !a.includes(l));
    assert.fail(`api-report.md is out of date (npm run api:report):\n- ${gone.join('\n- ')}\n+ ${added.join('\n+ ')}`);
  }
});

test('the report covers every subpath of the exports map', () => {
  const reported = (entries as [string, string][]).map(([e]) => (e === 'ferry' ? '.' : `./${e.slice('ferry/'.length)}`)).sort();
  const exported = Object.keys(pkg.exports)
    .filter((k) => k !== './package.json')
    .sort();
  assert.deepEqual(reported, exported);
});

test('the root entry exports the documented API only: no internals', () => {
  const report = readFileSync(new URL('api-report.md', root), 'utf8');
  const section = report.slice(report.indexOf('## ferry ('), report.indexOf('## ferry/core'));
  for (const internal of [
    'setErrorRequestView',
    'lazyRequests',
    'sendBelowAuth',
    'nodeOptionsFor',
    'ClientInternals',
    'requestParts',
    'compile',
  ])
    assert.ok(!new RegExp(`\\b${internal}\\b`).test(section), `the root exports ${internal}`);
});
