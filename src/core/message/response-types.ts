/**
 * What a transport hands a FerryResponse: raw headers, a body source, completeness.
 * @module
 */
import type { FerryResponse } from './response.js';

/** Response headers as a transport may hand them over: lower-case names, repeats as arrays. */
export type RawHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A transport's body, read in whichever way the consumer asks first. `stream()` is called at
 * most once; `cancel()` releases the connection when the body is not wanted.
 */
export interface ResponseSource {
  stream(): ReadableStream<Uint8Array>;
  text?(): Promise<string>;
  arrayBuffer?(): Promise<ArrayBuffer>;
  json?(): Promise<unknown>;
  cancel(reason?: unknown): void;
}

/** Whether the body arrived whole: 'unknown' for a close-delimited body (potential data loss). */
export type Completeness = 'complete' | 'unknown';

/** Everything a FerryResponse carries besides its body. */
export interface FerryResponseInit {
  readonly status?: number;
  readonly statusText?: string;
  readonly headers?: HeadersInit | RawHeaders | Headers;
  readonly url?: string;
  readonly request?: Request | undefined;
  readonly history?: readonly FerryResponse[];
  readonly httpVersion?: string | undefined;
  readonly redirected?: boolean;
  /** The body's completeness, or a function that makes it when first asked (a transport's way to skip a promise per response). */
  readonly complete?: Promise<Completeness> | (() => Promise<Completeness>);
}
