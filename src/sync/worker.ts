/**
 * The sync client's worker: runs a normal ferry client (Node transport by default, or what a
 * setup module's `createOptions()` builds) and answers each call on its MessagePort, then
 * wakes the blocked caller through the shared flag.
 * @module
 */
import { workerData } from 'node:worker_threads';
import type { CallMessage, ReplyMessage, WireError, WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
const flag = new Int32Array(init.flag);

function reply(message: ReplyMessage, transfer: ArrayBuffer[] = []): void {
  try {
    init.port.postMessage(message, transfer);
  } catch (e) {
    // never leave the caller blocked: a reply that cannot be cloned becomes an error reply
    const what = `the sync worker could not send its reply: ${e instanceof Error ? e.message : String(e)}`;
    init.port.postMessage({
      seq: message.seq,
      ok: false,
      error: { ferry: false, name: 'Error', message: what, code: undefined, fields: {} },
    });
  }
  Atomics.store(flag, 0, message.seq);
  Atomics.notify(flag, 0);
}

process.on('exit', () => {
  Atomics.store(flag, 1, 1);
  Atomics.notify(flag, 0);
});

/** The runtime's own default transport, as the package root would pick it. */
function runtimeEntry(): Promise<{ createClient: (options?: Record<string, unknown>) => import('../core/index.js').Client }> {
  if (process.versions.bun !== undefined) return import('../transports/bun/index.js');
  if (typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined') return import('../transports/deno/index.js');
  return import('../transports/node/index.js');
}

async function start(): Promise<void> {
  // Loaded here, not statically, so a failure to load is reported to the caller, not lost.
  let wire: typeof import('./wire.js');
  try {
    wire = await import('./wire.js');
  } catch (e) {
    reply({ seq: 1, ok: false, error: { ferry: false, name: 'Error', message: String(e), code: undefined, fields: {} } });
    return;
  }
  try {
    const [{ createClient }, { fromWire }] = await Promise.all([runtimeEntry(), import('./clone-options.js')]);
    let base: Record<string, unknown> = {};
    if (init.setup !== undefined) {
      const mod = (await import(init.setup)) as { createOptions?: () => unknown };
      if (typeof mod.createOptions !== 'function') {
        const { InvalidOptionError } = await import('../core/index.js');
        throw new InvalidOptionError('setup', `setup: ${init.setup} has no createOptions() export`);
      }
      base = ((await mod.createOptions()) ?? {}) as Record<string, unknown>;
    }
    const client = createClient({ ...base, ...(fromWire(init.options) as Record<string, unknown>) });
    init.port.on('message', (call: CallMessage) => {
      void (async () => {
        try {
          const res = await client.request(call.method, call.url, fromWire(call.init) as never);
          const request = { method: res.request?.method ?? call.method, url: res.url || call.url };
          const response = await wire.responseToWire(res, init.maxBodyBytes, request);
          reply({ seq: call.seq, ok: true, response }, response.body ? [response.body] : []);
        } catch (e) {
          reply({ seq: call.seq, ok: false, error: await describeError(wire, e) });
        }
      })();
    });
    reply({ seq: 1, ok: true });
  } catch (e) {
    reply({ seq: 1, ok: false, error: await describeError(wire, e) });
  }
}

/** The error as data; if even that fails, a plain one with its message. */
async function describeError(wire: typeof import('./wire.js'), e: unknown): Promise<WireError> {
  try {
    return await wire.errorToWire(e, init.maxBodyBytes);
  } catch {
    return { ferry: false, name: 'Error', message: e instanceof Error ? e.message : String(e), code: undefined, fields: {} };
  }
}

void start();
