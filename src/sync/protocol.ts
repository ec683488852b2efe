/**
 * What the calling thread and the sync worker send each other. Everything here survives the
 * structured clone; `__`-tagged objects stand for values that would not (URLSearchParams,
 * FormData, Request, Response, Headers).
 * @module
 */
import type { MessagePort } from 'node:worker_threads';

/** A response as it crosses threads: its head, and its body when it was read. */
export interface WireResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: [string, string][];
  readonly redirected: boolean;
  readonly httpVersion: string | undefined;
  readonly history: WireResponse[];
  readonly body: ArrayBuffer | null;
}

/** A request as it crosses threads (in errors). */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
}

/** An error as it crosses threads: enough to rebuild the same class with the same fields. */
export interface WireError {
  readonly ferry: boolean;
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  /** Own fields besides name, message, stack and cause, with tagged Request/Response/Headers. */
  readonly fields: Record<string, unknown>;
  readonly cause?: WireError | { readonly plain: unknown };
}

/** What the worker receives when it starts. */
export interface WorkerInit {
  readonly port: MessagePort;
  /** Int32Array view: [0] = sequence number of the last reply, [1] = 1 once the worker exits. */
  readonly flag: SharedArrayBuffer;
  readonly options: Record<string, unknown>;
  readonly setup: string | undefined;
  readonly maxBodyBytes: number;
}

/** One call from the caller. */
export interface CallMessage {
  readonly seq: number;
  readonly method: string;
  readonly url: string;
  readonly init: Record<string, unknown>;
}

/** One reply from the worker (seq 1 answers the start-up). */
export type ReplyMessage =
  | { readonly seq: number; readonly ok: true; readonly response?: WireResponse }
  | { readonly seq: number; readonly ok: false; readonly error: WireError };
