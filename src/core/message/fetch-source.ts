/**
 * A ferry ResponseSource over a platform fetch Response: whole-body reads go straight to the
 * platform, `stream()` wraps the body so a broken body surfaces as ferry's error (an abort as
 * its `signal.reason`, untouched).
 * Shared by the fetch-based transports (browser, Deno, Bun).
 * @module
 */
import { DecodingError, describe, ResponseTruncatedError } from '../util/errors.js';
import type { ResponseSource } from './response-types.js';

/** What a body failure is reported against. */
export interface FetchExchange {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal | undefined;
}

/** Maps an error thrown while reading a body. */
export function bodyFailure(e: unknown, exchange: FetchExchange): unknown {
  if (exchange.signal?.aborted) return exchange.signal.reason;
  if ((e as Record<symbol, unknown> | null)?.[Symbol.for('ferry.error')]) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (/decod|decompress|gzip|brotli|corrupt/i.test(msg))
    return new DecodingError(describe(`cannot decode the body: ${msg}`, exchange), { cause: e });
  return new ResponseTruncatedError(describe(`response body broken: ${msg}`, exchange), { cause: e });
}

/** Wraps a platform body stream: strict backpressure, mapped errors. */
export function mappedStream(body: ReadableStream<Uint8Array>, exchange: FetchExchange): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (e) {
          controller.error(bodyFailure(e, exchange));
        }
      },
      cancel(reason) {
        return reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

/** The ResponseSource of a platform Response whose body is not null. */
export function fetchSource(res: Response, exchange: FetchExchange): ResponseSource {
  const body = res.body as ReadableStream<Uint8Array>;
  const fail = (e: unknown): Promise<never> => Promise.reject(bodyFailure(e, exchange));
  return {
    stream: () => mappedStream(body, exchange),
    text: () => res.text().catch(fail),
    arrayBuffer: () => res.arrayBuffer().catch(fail),
    cancel: (reason) => void body.cancel(reason).catch(() => {}),
  };
}
