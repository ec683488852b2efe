/**
 * A ferry ResponseSource over undici's body: `text()`/`json()`/`arrayBuffer()` read undici's
 * body directly; `stream()` builds a web ReadableStream with real backpressure (a slow reader
 * pauses the socket); a response dropped unread releases its connection when collected.
 * @module
 */
import type { ResponseSource } from '../../core/index.js';
import { mapError } from './map-error.js';

/** The part of undici's BodyReadable ferry uses. */
export interface UndiciBody extends NodeJS.ReadableStream {
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  dump(opts?: { limit: number }): Promise<void>;
  destroy(error?: Error): this;
  readonly destroyed: boolean;
  readonly readableEnded: boolean;
}

interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal | undefined;
}

// Undici's fetch does the same: a body nobody reads must not pin its connection forever.
const unread = new FinalizationRegistry<UndiciBody>((body) => {
  if (!body.destroyed && !body.readableEnded) body.dump({ limit: 128 * 1024 }).catch(() => {});
});

function failure(e: unknown, x: Exchange): unknown {
  if (x.signal?.aborted) return x.signal.reason;
  return mapError(e, x, 'body');
}

export function bodySource(body: UndiciBody, x: Exchange): ResponseSource {
  let taken = false;
  const take = (): void => {
    taken = true;
    unread.unregister(source);
  };
  const source: ResponseSource = {
    text: () => {
      take();
      return body.text().catch((e) => Promise.reject(failure(e, x)));
    },
    json: () => {
      take();
      return body.json().catch((e) => Promise.reject(failure(e, x)));
    },
    arrayBuffer: () => {
      take();
      return body.arrayBuffer().catch((e) => Promise.reject(failure(e, x)));
    },
    stream: () => {
      take();
      return webStream(body, x, source);
    },
    cancel: () => {
      if (taken) return;
      take();
      body.dump({ limit: 128 * 1024 }).catch(() => {});
    },
  };
  unread.register(source, body, source);
  return source;
}

function webStream(body: UndiciBody, x: Exchange, keepAlive: ResponseSource): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body.on('data', (chunk: Uint8Array) => {
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        });
        body.on('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        body.on('error', (e: unknown) => {
          if (done) return;
          done = true;
          controller.error(failure(e, x));
        });
        body.pause();
      },
      pull() {
        // the closure keeps the source reachable while the stream is in use
        void keepAlive;
        body.resume();
      },
      cancel(reason) {
        done = true;
        body.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
