/**
 * The harness every child runtime runs (bundled into one file by build.ts): reads its
 * arguments (Deno.args, process.argv or the page's URL hash), imports the ferry entry under
 * test, runs the conformance cases and prints one `CONFORMANCE {json}` line per case, then
 * `CONFORMANCE {"done":true}`. The host (a node:test file) turns each line into a subtest.
 */
import type { Client, ClientOptions, FerryFetch } from '../../src/core/index.js';
import { type CaseResult, defineTransportSuite, runCases } from './suite.js';

/** What the host passes. */
export interface HarnessArgs {
  /** URL of the ferry entry to import (file: URL or a path on the conformance server). */
  readonly entry: string;
  readonly baseURL: string;
  readonly otherURL: string;
  readonly closedURL: string;
  readonly runtime: string;
  readonly zstd: boolean;
  /** Only cases whose name includes this (for debugging). */
  readonly grep?: string;
}

interface Globals {
  Deno?: { args: string[]; exit(code: number): never };
  process?: { argv: string[]; exit(code: number): never };
  location?: { hash: string };
  __ferryConformance?: { results: CaseResult[]; done: boolean; error?: string };
}

const g = globalThis as unknown as Globals;

function readArgs(): HarnessArgs {
  const raw = g.Deno?.args[0] ?? (g.location ? decodeURIComponent(g.location.hash.slice(1)) : g.process?.argv[2]);
  if (!raw) throw new Error('harness: no arguments');
  return JSON.parse(raw) as HarnessArgs;
}

function emit(value: unknown): void {
  console.log(`CONFORMANCE ${JSON.stringify(value)}`);
}

async function main(): Promise<void> {
  const state: NonNullable<Globals['__ferryConformance']> = { results: [], done: false };
  g.__ferryConformance = state;
  try {
    const args = readArgs();
    const ferry = (await import(args.entry)) as { createClient: (o?: ClientOptions) => Client; fetch: FerryFetch };
    const cases = defineTransportSuite(ferry.createClient, {
      baseURL: args.baseURL,
      otherURL: args.otherURL,
      closedURL: args.closedURL,
      runtime: args.runtime,
      zstd: args.zstd,
      fetch: ferry.fetch,
    }).filter((c) => !args.grep || c.name.includes(args.grep));
    emit({ count: cases.length, transport: ferry.createClient({ cookies: false }).transport.name });
    await runCases(cases, (r) => {
      state.results.push(r);
      emit(r);
    });
  } catch (e) {
    state.error = String((e as Error)?.stack ?? e);
    emit({ fatal: state.error });
  }
  state.done = true;
  emit({ done: true });
  // Pooled keep-alive sockets must not keep a CLI runtime alive.
  if (g.Deno) g.Deno.exit(0);
  else if (g.process && !g.location) g.process.exit(0);
}

void main();
