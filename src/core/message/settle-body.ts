/**
 * The length of a foreign `Request`'s body where the platform hides it. A `Request` built over
 * a string, bytes or a Blob knows its body's length, but where its internals are private
 * (Node 24) ferry only sees the body stream, which would go out chunked. Such streams are the
 * platform's own byte streams (a user's stream is not, as a rule): read them ahead as far as
 * they have already arrived, and a body that ends there is sent with its length.
 * @module
 */
import { concatBytes } from '../util/read-all.js';
import type { RequestBody } from './body.js';
import { derive, requestParts } from './request-parts.js';

const later: unique symbol = Symbol('later');

/** `p`, or `later` when it has not settled by the next macrotask (a rejection counts as later). */
function beforeNextTask<T>(p: Promise<T>): Promise<T | typeof later> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = new Promise<typeof later>((resolve) => {
    timer = setTimeout(resolve, 0, later);
  });
  const settled: Promise<T | typeof later> = p.catch((): typeof later => later);
  return Promise.race([settled, tick]).finally(() => clearTimeout(timer));
}

/** Whether `stream` is a byte stream (what a platform `Request` makes of a string, bytes, a Blob, a form). */
function isByteStream(stream: ReadableStream<Uint8Array>): boolean {
  try {
    stream.getReader({ mode: 'byob' }).releaseLock();
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a one-shot stream body ahead by at most two reads, each only as far as it settles
 * before the next macrotask (a body that waits for the response is never waited for). One
 * that ends there becomes its bytes: a known length, and replayable. Otherwise the stream
 * goes on as it was, the chunks read ahead first.
 */
export async function settleStreamBody(body: RequestBody): Promise<RequestBody> {
  const reader = (body.source as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  for (let i = 0; i < 2; i++) {
    const read = reader.read();
    const r = await beforeNextTask(read);
    if (r === later) {
      pending = read;
      break;
    }
    if (r.done) {
      const bytes = concatBytes(chunks);
      const fixed: RequestBody = { source: bytes, length: bytes.byteLength, type: body.type, replay: () => fixed };
      return fixed;
    }
    chunks.push(r.value);
  }
  const source = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = chunks.shift();
        if (chunk !== undefined) return controller.enqueue(chunk);
        const r = await (pending ?? reader.read());
        pending = null;
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { ...body, source };
}

/**
 * `request` with its body's length settled (see the module doc) when its body is a platform
 * byte stream of unknown length; else `request` itself, at no cost.
 */
export async function withSettledLength<R extends Request>(request: R): Promise<R | Request> {
  const body = requestParts(request).body;
  if (body === null || body.length !== null || !(body.source instanceof ReadableStream) || !isByteStream(body.source)) return request;
  return derive(request, { body: await settleStreamBody(body) });
}
