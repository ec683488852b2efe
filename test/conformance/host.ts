/**
 * Host side of the cross-runtime conformance runs: finds a runtime (under CI a missing one
 * fails the run; elsewhere the test skips with the reason printed), spawns it on the bundled
 * harness, collects the `CONFORMANCE {json}` lines and reports each case as a subtest.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { root } from './build.js';
import type { HarnessArgs } from './main.js';
import type { CaseResult } from './suite.js';

const runtimes = join(root, 'runtimes/node_modules');

/** Paths of the runtimes `npm install` installs into runtimes/ (its prepare script), and Debian's chromium. */
export const runtimePaths = {
  deno: join(runtimes, '.bin/deno'),
  bun: join(runtimes, '.bin/bun'),
  node22: join(runtimes, 'node22/bin/node'),
  node24: join(runtimes, 'node24/bin/node'),
  chromium: '/usr/bin/chromium',
} as const;

/** The runtime's path, or null after skipping `t` (never under CI: there it throws). */
export function requireRuntime(t: TestContext, name: keyof typeof runtimePaths): string | null {
  const path = runtimePaths[name];
  if (existsSync(path)) return path;
  const hint = name === 'chromium' ? 'apt-get install chromium' : 'npm install: its prepare script installs runtimes/';
  const reason = `${name} is not installed at ${path} (${hint})`;
  if (process.env.CI) throw new Error(`required runtime missing under CI: ${reason}`);
  console.log(`# skipping: ${reason}`);
  t.skip(reason);
  return null;
}

/** The environment for a child runtime: nothing may leave loopback (no update checks). */
export function runtimeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', BUN_DISABLE_TELEMETRY: '1', DO_NOT_TRACK: '1', ...extra };
}

/** What a harness run produced. */
export interface HarnessOutcome {
  readonly transport: string | undefined;
  readonly count: number | undefined;
  readonly results: CaseResult[];
  readonly error: string | undefined;
  readonly done: boolean;
  /** Everything the child printed that was not a CONFORMANCE line (for failures). */
  readonly log: string;
}

/** Collects CONFORMANCE lines from any line source. */
export class OutcomeCollector {
  transport: string | undefined;
  count: number | undefined;
  results: CaseResult[] = [];
  error: string | undefined;
  done = false;
  log = '';
  line(text: string): void {
    if (!text.startsWith('CONFORMANCE ')) {
      if (this.log.length < 20_000) this.log += `${text}\n`;
      return;
    }
    const v = JSON.parse(text.slice('CONFORMANCE '.length)) as Record<string, unknown>;
    if (v.done) this.done = true;
    else if (typeof v.fatal === 'string') this.error = v.fatal;
    else if (typeof v.count === 'number') {
      this.count = v.count;
      this.transport = v.transport as string;
    } else this.results.push(v as unknown as CaseResult);
  }
  outcome(): HarnessOutcome {
    return { transport: this.transport, count: this.count, results: this.results, error: this.error, done: this.done, log: this.log };
  }
}

/** Runs `command args…` with the harness arguments appended; resolves when it exits or times out. */
export function runHarness(command: string, args: readonly string[], harness: HarnessArgs, timeoutMs = 240_000): Promise<HarnessOutcome> {
  return new Promise((resolve) => {
    const collector = new OutcomeCollector();
    const child = spawn(command, [...args, JSON.stringify(harness)], { cwd: root, env: runtimeEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let i = buffered.indexOf('\n');
      while (i !== -1) {
        collector.line(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
        i = buffered.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (collector.log.length < 20_000) collector.log += chunk;
    });
    const timer = setTimeout(() => {
      collector.log += `\n[host] killed after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      if (buffered) collector.line(buffered);
      resolve(collector.outcome());
    });
  });
}

/** Reports each case as a subtest of `t`; fails `t` if the harness broke or cases went missing. */
export async function reportOutcome(t: TestContext, outcome: HarnessOutcome, expectedTransport: string): Promise<void> {
  if (outcome.error || !outcome.done || outcome.count === undefined)
    throw new Error(`harness did not complete: ${outcome.error ?? 'no done line'}\n${outcome.log}`);
  if (outcome.transport !== expectedTransport)
    throw new Error(`expected the ${expectedTransport} transport by default, got ${outcome.transport}`);
  for (const r of outcome.results) {
    await t.test(r.name, () => {
      if (!r.ok) throw new Error(r.error);
    });
  }
  if (outcome.results.length !== outcome.count)
    throw new Error(`only ${outcome.results.length} of ${outcome.count} cases reported\n${outcome.log}`);
}
