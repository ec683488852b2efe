/**
 * Watches a response body on its way to the reader: each chunk as it is delivered, the end
 * (read, failed or cancelled) and an abort signal. Used by the timeout and events steps.
 * The wrapper pulls only when the reader asks (high-water mark 0), so a slow reader still
 * throttles the socket underneath.
 * @module
 */
import type { ResponseSource } from './response-types.js';

/** What to watch; every hook is optional. */
export interface BodyWatch {
  /** Each chunk as it reaches the reader. A throw errors the body with that error and cancels the source. */
  readonly chunk?: ((chunk: Uint8Array) => void) | undefined;
  /**
   * Once, when the body is done: `error` undefined on a clean end; `cancelled` when the reader
   * (or a middleware) gave up on it. A throw fails the read with that error.
   */
  readonly done?: ((error: unknown, cancelled: boolean) => void) | undefined;
  /** The reader is waiting for the next chunk (called before each pull from the source). */
  readonly waiting?: (() => void) | undefined;
  /** Aborting it errors the body with exactly `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

const noop = (): void => {};

/**
 * A ResponseSource over `inner` that reports to `watch`. Without a `chunk` hook the fast
 * `text()`/`json()`/`arrayBuffer()` paths of `inner` are kept.
 * @example
 * const body = watchBody(source, { done: () => clearTimeout(timer), signal });
 */
export function watchBody(inner: ResponseSource, watch: BodyWatch): ResponseSource {
  const { signal, chunk } = watch;
  let finished = false;
  let onAbort: (() => void) | undefined;
  const finish = (error: unknown, cancelled: boolean): void => {
    if (finished) return;
    finished = true;
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    watch.done?.(error, cancelled);
  };
  const finishQuietly = (error: unknown, cancelled: boolean): void => {
    try {
      finish(error, cancelled);
    } catch {
      // the body already fails with `error`; a listener's own failure cannot replace it here
    }
  };

  function settle<T>(read: () => Promise<T>): Promise<T> {
    if (signal?.aborted) {
      inner.cancel(signal.reason);
      finishQuietly(signal.reason, false);
      return Promise.reject(signal.reason);
    }
    const pending = read();
    const raced = signal
      ? new Promise<T>((resolve, reject) => {
          onAbort = () => {
            inner.cancel(signal.reason);
            finishQuietly(signal.reason, false);
            reject(signal.reason);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          pending.then(resolve, reject);
        })
      : pending;
    return raced.then(
      (value) => {
        finish(undefined, false);
        return value;
      },
      (error: unknown) => {
        finish(error, false);
        throw error;
      },
    );
  }

  const source: ResponseSource = {
    stream: () => {
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            if (!signal) return;
            const abort = (): void => {
              if (finished) return;
              controller.error(signal.reason);
              if (reader) reader.cancel(signal.reason).catch(noop);
              else inner.cancel(signal.reason);
              finishQuietly(signal.reason, false);
            };
            if (signal.aborted) abort();
            else {
              onAbort = abort;
              signal.addEventListener('abort', abort, { once: true });
            }
          },
          async pull(controller) {
            reader ??= inner.stream().getReader();
            watch.waiting?.();
            let result: ReadableStreamReadResult<Uint8Array>;
            try {
              result = await reader.read();
            } catch (error) {
              if (finished) return;
              try {
                finish(error, false);
              } catch (own) {
                controller.error(own);
                return;
              }
              controller.error(error);
              return;
            }
            if (finished) return;
            if (result.done) {
              try {
                finish(undefined, false);
              } catch (own) {
                controller.error(own);
                return;
              }
              controller.close();
              return;
            }
            if (chunk) {
              try {
                chunk(result.value);
              } catch (own) {
                reader.cancel(own).catch(noop);
                finishQuietly(own, false);
                controller.error(own);
                return;
              }
            }
            controller.enqueue(result.value);
          },
          cancel(reason) {
            let cancelled: Promise<void> | undefined;
            if (reader) cancelled = reader.cancel(reason);
            else inner.cancel(reason);
            finish(undefined, true);
            return cancelled;
          },
        },
        { highWaterMark: 0 },
      );
    },
    cancel: (reason) => {
      inner.cancel(reason);
      finishQuietly(undefined, true);
    },
  };
  if (!chunk) {
    const { text, json, arrayBuffer } = inner;
    if (text) source.text = () => settle(() => text.call(inner));
    if (json) source.json = () => settle(() => json.call(inner));
    if (arrayBuffer) source.arrayBuffer = () => settle(() => arrayBuffer.call(inner));
  }
  return source;
}
