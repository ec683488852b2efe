/**
 * The conformance suite in headless Chromium (Debian's, driven by playwright-core): the page
 * comes from the conformance server and imports the built browser entry `dist/index.js` from
 * it (same origin). There is no import map: the browser entry imports no bare specifier at all
 * (tough-cookie only comes with a jar of the user's own), so an unbundled page loads it as is.
 */
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { bundleHarness, ensureDist, root } from '../conformance/build.js';
import { OutcomeCollector, reportOutcome, requireRuntime } from '../conformance/host.js';
import { type ConformanceServers, startConformanceServers } from '../conformance/server.js';

let servers: ConformanceServers;
let harnessDir: string;

const page = `<!doctype html><meta charset="utf-8"><title>ferry conformance</title>
<script type="module" src="/static/harness/harness.js"></script>`;

before(async () => {
  await ensureDist();
  const harness = await bundleHarness();
  harnessDir = join(harness, '..');
  servers = await startConformanceServers({ dist: join(root, 'dist'), harness: harnessDir }, page);
});
after(() => servers?.close());

test('conformance in headless Chromium (dist/index.js)', { timeout: 300_000 }, async (t) => {
  const chromium = requireRuntime(t, 'chromium');
  if (!chromium) return;
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch({
    executablePath: chromium,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  const collector = new OutcomeCollector();
  const ctx = await browser.newContext();
  const tab = await ctx.newPage();
  tab.on('console', (msg) => collector.line(msg.text()));
  tab.on('pageerror', (e) => collector.line(`pageerror: ${e.message}`));
  const args = {
    entry: `${servers.baseURL}/static/dist/index.js`,
    baseURL: servers.baseURL,
    otherURL: servers.otherURL,
    closedURL: servers.closedURL,
    runtime: 'chromium',
    zstd: false,
  };
  await tab.goto(`${servers.baseURL}/#${encodeURIComponent(JSON.stringify(args))}`);
  await tab.waitForFunction(
    () => (globalThis as unknown as { __ferryConformance?: { done: boolean } }).__ferryConformance?.done === true,
    undefined,
    { timeout: 240_000, polling: 200 },
  );
  await reportOutcome(t, collector.outcome(), 'browser');
});
