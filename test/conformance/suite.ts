/**
 * One conformance suite for every transport, runner-agnostic: `defineTransportSuite()` returns
 * a list of `{ name, run(assert) }` cases that use web-standard APIs only, so the same cases
 * run in Node (node:test), Deno, Bun and Chromium. Each host starts the conformance server
 * (server.ts) and passes its URLs in `env`. Behaviour a transport cannot show is checked
 * against what its capabilities declare (the native fallback, or a CapabilityError).
 */
import type { Client, ClientOptions, FerryFetch } from '../../src/core/index.js';
import { basicCases } from './cases-basic.js';
import { bodyCases } from './cases-bodies.js';
import { encodingCases } from './cases-encoding.js';
import { errorCases } from './cases-errors.js';
import { fetchInitCases } from './cases-fetch-init.js';
import { redirectCases } from './cases-redirects.js';
import { websocketCases } from './cases-websocket.js';

/** Where the suite runs and what it talks to. */
export interface SuiteEnv {
  /** The conformance server (`http://127.0.0.1:PORT`). */
  readonly baseURL: string;
  /** A second origin. */
  readonly otherURL: string;
  /** A port nobody listens on. */
  readonly closedURL: string;
  /** 'node20' | 'node22' | 'deno' | 'bun' | 'chromium' … (for messages). */
  readonly runtime: string;
  /** Whether ferry can decode zstd here (then it must). */
  readonly zstd: boolean;
  /** The entry's default `fetch` export, when the host has one. */
  readonly fetch?: FerryFetch;
}

/** The assertions a case may use: small, so every runtime can provide them. */
export interface Assert {
  equal(actual: unknown, expected: unknown, message?: string): void;
  ok(value: unknown, message?: string): void;
  deepEqual(actual: unknown, expected: unknown, message?: string): void;
  /** Awaits `p` (or calls `fn`), fails unless it rejects; `check` may assert on the error. */
  rejects(p: Promise<unknown> | (() => unknown), check?: (e: unknown) => void, message?: string): Promise<unknown>;
}

export interface ConformanceCase {
  readonly name: string;
  run(assert: Assert): Promise<void>;
}

export type MakeClient = (options?: ClientOptions) => Client;

/** What the case files receive. */
export interface SuiteContext {
  readonly make: MakeClient;
  readonly env: SuiteEnv;
  readonly transport: Client['transport'];
  url(path: string): string;
  /** Requests the server has seen for `path` (a pathname). */
  hits(path: string): Promise<number>;
  /** A fresh unique path segment. */
  unique(prefix: string): string;
  /** Runs `fn` with a client made from `options`, closed afterwards. */
  withClient<T>(options: ClientOptions | undefined, fn: (c: Client) => Promise<T>): Promise<T>;
}

let counter = 0;

/**
 * The cases for the transport `makeClient()` creates by default.
 * @example
 * const cases = defineTransportSuite((o) => createClient(o), { baseURL, otherURL, closedURL, runtime: 'node20', zstd: false });
 */
export function defineTransportSuite(makeClient: MakeClient, env: SuiteEnv): ConformanceCase[] {
  const probe = makeClient({ cookies: false });
  const ctx: SuiteContext = {
    make: makeClient,
    env,
    transport: probe.transport,
    url: (path) => `${env.baseURL}${path}`,
    hits: async (path) => {
      const res = await globalThis.fetch(`${env.baseURL}/hits?path=${encodeURIComponent(path)}`);
      return ((await res.json()) as { count: number }).count;
    },
    unique: (prefix) => `/${prefix}-${Date.now().toString(36)}-${++counter}`,
    withClient: async (options, fn) => {
      const c = makeClient(options);
      try {
        return await fn(c);
      } finally {
        await c.close();
      }
    },
  };
  void probe.close();
  return [
    ...basicCases(ctx),
    ...bodyCases(ctx),
    ...redirectCases(ctx),
    ...encodingCases(ctx),
    ...errorCases(ctx),
    ...fetchInitCases(ctx),
    ...websocketCases(ctx),
  ];
}

function show(v: unknown): string {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

/** A minimal Assert over thrown Errors. */
export function createAssert(): Assert {
  const fail = (message: string): never => {
    throw new Error(message);
  };
  return {
    equal(actual, expected, message) {
      if (!Object.is(actual, expected)) fail(`${message ?? 'not equal'}: expected ${show(expected)}, got ${show(actual)}`);
    },
    ok(value, message) {
      if (!value) fail(message ?? `expected a truthy value, got ${show(value)}`);
    },
    deepEqual(actual, expected, message) {
      if (show(actual) !== show(expected)) fail(`${message ?? 'not deep-equal'}: expected ${show(expected)}, got ${show(actual)}`);
    },
    async rejects(p, check, message) {
      let error: unknown;
      let threw = false;
      try {
        await (typeof p === 'function' ? p() : p);
      } catch (e) {
        threw = true;
        error = e;
      }
      if (!threw) fail(message ?? 'expected a rejection');
      check?.(error);
      return error;
    },
  };
}

/** One case's outcome. */
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
}

/** Runs cases one after another, each bounded by `timeoutMs`; `onResult` sees each outcome. */
export async function runCases(
  cases: readonly ConformanceCase[],
  onResult: (r: CaseResult) => void,
  timeoutMs = 15_000,
): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) {
    const start = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let result: CaseResult;
    try {
      await Promise.race([
        c.run(createAssert()),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`case timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      result = { name: c.name, ok: true, ms: Date.now() - start };
    } catch (e) {
      const err = e as Error;
      result = { name: c.name, ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}`, ms: Date.now() - start };
    } finally {
      clearTimeout(timer);
    }
    out.push(result);
    onResult(result);
  }
  return out;
}

/** Error checks shared by the case files. */
export const is = {
  ferry(e: unknown): boolean {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[Symbol.for('ferry.error')] === true;
  },
  code(e: unknown): string | undefined {
    const c = (e as { code?: unknown } | null)?.code;
    return typeof c === 'string' ? c : undefined;
  },
};

/** Asserts `e` is a ferry error with one of `codes`. */
export function expectCode(assert: Assert, e: unknown, ...codes: string[]): void {
  assert.ok(is.ferry(e), `expected a ferry error, got ${(e as Error)?.name}: ${(e as Error)?.message ?? String(e)}`);
  assert.ok(codes.includes(is.code(e) ?? ''), `expected code ${codes.join(' or ')}, got ${is.code(e)}: ${(e as Error)?.message}`);
}

/** Asserts `e` is a CapabilityError naming this transport. */
export function expectCapability(assert: Assert, e: unknown, transport: string, capability?: string): void {
  expectCode(assert, e, 'ERR_CAPABILITY');
  const err = e as { transport?: string; capability?: string; message: string };
  assert.equal(err.transport, transport, 'CapabilityError.transport');
  if (capability !== undefined) assert.equal(err.capability, capability, 'CapabilityError.capability');
  assert.ok(err.message.includes(transport), 'the message names the transport');
}
