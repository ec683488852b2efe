/**
 * @module ferry/sync — a blocking client for scripts, CLIs and config loading. Each call
 * runs on a normal ferry client in a worker thread while the caller blocks on `Atomics.wait`;
 * the response comes back with its body already read. Same options, middleware and errors
 * as the async client. Node, Deno and Bun; not in browsers.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ClientOptions, RequestOptions } from '../core/index.js';
import { CapabilityError, FerryError, InvalidOptionError } from '../core/kit.js';
import { clientOptionsToWire, requestOptionsToWire } from './clone-options.js';
import type { ReplyMessage, WireResponse, WorkerInit } from './protocol.js';
import { SyncResponse } from './sync-response.js';
import { errorFromWire } from './wire.js';

export { BodyTooLargeError } from './body-too-large.js';
export { type SyncHistoryEntry, SyncResponse } from './sync-response.js';

/**
 * What `createSyncClient()` takes: the client options that can be copied to the worker, plus
 * `setup` for the ones that cannot (functions, a cookie jar, a transport …).
 */
export interface SyncClientOptions extends Omit<ClientOptions, 'transport' | 'middleware' | 'auth' | 'on' | 'decoders' | 'cookies'> {
  /** `true` (a jar kept in the worker, shared by every call; the default) or `false`. */
  cookies?: boolean;
  /**
   * A module (path or file URL) exporting `createOptions()` (sync or async), evaluated in
   * the worker; its options are the base, the ones given here win key by key. The place for
   * middleware, auth, event listeners, a transport or a cookie jar.
   */
  setup?: string | URL;
  /** The largest response body a call may return, in bytes (default 64 MiB): past it, BodyTooLargeError. */
  maxBodyBytes?: number;
  /** How long to wait for the worker to start, in ms (default 30 000). */
  startupTimeout?: number;
}

/** Per-request options: the async client's, less what cannot cross threads (`signal`, stream bodies). */
export type SyncRequestOptions = Omit<RequestOptions, 'signal'>;

/** A client whose calls block and return the response with its body read. */
export interface SyncClient {
  request(method: string, url: string | URL, options?: SyncRequestOptions): SyncResponse;
  get(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  head(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  post(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  put(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  patch(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  delete(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  options(url: string | URL, options?: SyncRequestOptions): SyncResponse;
  /** Stops the worker (and its connections). Later calls throw. */
  close(): void;
}

const defaultMaxBody = 64 * 1024 * 1024;
const here = import.meta.url;
const fromSource = here.endsWith('.ts');
const workerUrl = new URL(fromSource ? './worker.ts' : './worker.js', here);

/**
 * The worker: the built `worker.js`, or, running from TypeScript sources on Node (whose
 * workers do not inherit tsx's loader hooks), a bootstrap that registers tsx first.
 */
function startWorker(init: WorkerInit): Worker {
  const options = { workerData: init, transferList: [init.port] };
  const plainNode = typeof (globalThis as { Deno?: unknown }).Deno === 'undefined' && process.versions.bun === undefined;
  if (!fromSource || !plainNode) return new Worker(workerUrl, options);
  let tsx = 'tsx/esm/api';
  try {
    tsx = import.meta.resolve(tsx);
  } catch {
    // resolved by the worker from the working directory instead
  }
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function setupHref(setup: string | URL): string {
  if (setup instanceof URL) return setup.href;
  if (typeof setup !== 'string' || setup === '') throw new InvalidOptionError('setup', 'setup: expected a module path or file URL');
  return /^[a-z][a-z0-9+.-]+:/i.test(setup) ? setup : pathToFileURL(resolve(setup)).href;
}

function positive(option: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v > 0)) throw new InvalidOptionError(option, `${option}: expected a positive number, got ${String(v)}`);
  return v;
}

/**
 * Creates a blocking client on a worker thread. The worker is unref'd, so it never keeps the
 * process alive; `close()` stops it.
 * @example
 * import { createSyncClient } from 'ferry/sync';
 * const sync = createSyncClient({ baseURL: 'http://127.0.0.1:8080/', timeout: 5000 });
 * const res = sync.get('config.json');
 * console.log(res.status, res.json());
 * sync.close();
 */
export function createSyncClient(options: SyncClientOptions = {}): SyncClient {
  if (typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof Atomics?.wait !== 'function')
    throw new CapabilityError('browser', 'sync', 'a sync client needs worker threads and Atomics.wait (Node, Deno, Bun), not a browser');
  const maxBodyBytes = positive('maxBodyBytes', options.maxBodyBytes, defaultMaxBody);
  const startupTimeout = positive('startupTimeout', options.startupTimeout, 30_000);
  const setup = options.setup === undefined ? undefined : setupHref(options.setup);
  const wireOptions = clientOptionsToWire(options as Record<string, unknown>);
  if (workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(workerUrl)))
    throw new CapabilityError('sync', 'sync', `the sync worker file is missing: ${fileURLToPath(workerUrl)}`);

  const flagBuffer = new SharedArrayBuffer(8);
  const flag = new Int32Array(flagBuffer);
  const { port1, port2 } = new MessageChannel();
  const init: WorkerInit = { port: port2, flag: flagBuffer, options: wireOptions, setup, maxBodyBytes };
  const worker = startWorker(init);
  worker.unref();
  worker.on('error', () => {}); // reported through the flag; never an uncaught error in the caller
  let seq = 1;
  let closed = false;

  function wait(expected: number, timeout: number): ReplyMessage {
    const deadline = Date.now() + timeout;
    for (;;) {
      const got = receiveMessageOnPort(port1);
      if (got) {
        const message = got.message as ReplyMessage;
        if (message.seq === expected) return message;
        continue;
      }
      const current = Atomics.load(flag, 0);
      if (current >= expected) continue;
      if (Atomics.load(flag, 1) === 1) {
        close();
        throw new FerryError('the sync worker exited', undefined, 'ERR_SYNC_WORKER');
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        close();
        throw new FerryError(`the sync worker did not answer within ${timeout} ms`, undefined, 'ERR_SYNC_WORKER');
      }
      Atomics.wait(flag, 0, current, Math.min(left, 1000));
    }
  }

  function close(): void {
    if (closed) return;
    closed = true;
    port1.close();
    void worker.terminate();
  }

  const started = wait(1, startupTimeout);
  if (!started.ok) {
    close();
    throw errorFromWire(started.error);
  }

  function request(method: string, url: string | URL, opts?: SyncRequestOptions): SyncResponse {
    if (closed) throw new FerryError('the sync client is closed', undefined, 'ERR_SYNC_WORKER');
    if (typeof method !== 'string') throw new InvalidOptionError('method', 'method: expected a string');
    const init = requestOptionsToWire(opts as Record<string, unknown> | undefined);
    seq += 1;
    port1.postMessage({ seq, method, url: url instanceof URL ? url.href : url, init });
    const reply = wait(seq, Number.POSITIVE_INFINITY);
    if (!reply.ok) throw errorFromWire(reply.error);
    return new SyncResponse(reply.response as WireResponse);
  }

  const helper =
    (method: string) =>
    (url: string | URL, opts?: SyncRequestOptions): SyncResponse =>
      request(method, url, opts);

  return {
    request,
    get: helper('GET'),
    head: helper('HEAD'),
    post: helper('POST'),
    put: helper('PUT'),
    patch: helper('PATCH'),
    delete: helper('DELETE'),
    options: helper('OPTIONS'),
    close,
  };
}
