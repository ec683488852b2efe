/**
 * The `decompress()` step (Twisted's ContentDecoderAgent): advertises the codings this
 * runtime can decode in `Accept-Encoding` (unless the request sets it) and decodes
 * `Content-Encoding` as a stream, with a ceiling.
 *
 * Decoders (`decodersFor`), later wins: the runtime's `DecompressionStream` (gzip, x-gzip,
 * deflate), the transport's `decoders` (Node: zlib's gzip with concatenated members, deflate,
 * br, and zstd where node:zlib has it), then `ClientOptions.decoders`. `deflate` accepts zlib-wrapped and
 * raw data. Up to 5 stacked codings are decoded; more is a `DecodingError`. A coding with no
 * decoder leaves the response as it came (encoded, `Content-Encoding` intact).
 *
 * HEAD, 1xx, 204, 304 and 3xx bodies are never decoded; a response without
 * `Content-Encoding` is returned untouched. A decoded response loses `Content-Encoding` and
 * `Content-Length`. Corrupt data, and output past `maxDecompressedBytes`, error the body with
 * `DecodingError`; nothing beyond the limit is ever held. `decompress: false` returns the raw
 * bytes with `Content-Encoding` intact.
 *
 * Where the transport's platform decodes by itself (`capabilities.rawBody === false`, e.g.
 * the browser, Deno), this step steps aside: such a transport answers for
 * `decompress: false` itself (the browser refuses it with `CapabilityError`; Deno asks for
 * `identity`).
 * @module
 */
import { derive, headerList, requestParts } from '../message/request-parts.js';
import { deriveResponse, discardBody, responseHeader } from '../message/response-parts.js';
import type { Decoder, ExchangeContext, Step, Transport } from '../types.js';
import { DecodingError, describe, isFerryError } from '../util/errors.js';
import { type HeaderList, headerValue } from '../util/headers.js';
import { defineStep } from './step.js';
import { webDecoders } from './web-decoders.js';

/** Stacked codings decoded at most (undici's limit). */
export const maxCodings = 5;

const preferred = ['gzip', 'deflate', 'br', 'zstd'];

/**
 * The `Accept-Encoding` value for a decoder map: the well-known codings first, then any
 * other the user added (`x-gzip` and `identity` are never listed).
 * @example
 * acceptEncodingFor({ gzip, deflate, br }); // 'gzip, deflate, br'
 */
export function acceptEncodingFor(decoders: Readonly<Record<string, Decoder>>): string {
  const names = preferred.filter((n) => n in decoders);
  for (const n of Object.keys(decoders)) if (!names.includes(n) && n !== 'x-gzip' && n !== 'identity') names.push(n);
  return names.join(', ');
}

function wrapError(e: unknown, codings: string, request: Request, signal: AbortSignal | undefined): unknown {
  if (isFerryError(e) || (signal?.aborted && e === signal.reason)) return e;
  const what = e instanceof Error && e.message ? `: ${e.message}` : '';
  return new DecodingError(describe(`cannot decode ${codings} body${what}`, request), { cause: e, request });
}

/** Counts decoded bytes and maps decoder failures onto DecodingError. Pulls only on demand. */
function guarded(decoded: ReadableStream<Uint8Array>, limit: number, codings: string, request: Request, signal: AbortSignal | undefined) {
  const reader = decoded.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (e) {
          throw wrapError(e, codings, request, signal);
        }
        if (r.done) {
          controller.close();
          return;
        }
        total += r.value.byteLength;
        if (total > limit) {
          const error = new DecodingError(describe(`${codings} body decodes to more than maxDecompressedBytes (${limit})`, request), {
            request,
          });
          reader.cancel(error).catch(() => {});
          throw error;
        }
        controller.enqueue(r.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function noBody(method: string, status: number): boolean {
  return method === 'HEAD' || status < 200 || status === 204 || status === 304 || (status >= 300 && status < 400);
}

/**
 * The decoders a client uses: the runtime's web ones, the transport's, then the client's own
 * (`ClientOptions.decoders`), later wins.
 */
export function decodersFor(transport: Transport, own: Readonly<Record<string, Decoder>> = {}): Readonly<Record<string, Decoder>> {
  return Object.freeze({ ...webDecoders(), ...(transport.decoders ?? {}), ...own });
}

/** What the decompression step needs. */
export interface DecompressOptions {
  /** The decoders by content-coding (default: the runtime's web ones; see `decodersFor`). */
  readonly decoders?: Readonly<Record<string, Decoder>>;
  /** Whether the transport delivers bodies still encoded (`capabilities.rawBody`; default true). False: the step does nothing. */
  readonly rawBody?: boolean;
}

/**
 * Creates the decompression step (part of the default chain). A request that carries an
 * `Accept-Encoding` (a client's do: `headers` below puts it in its default headers) idles
 * here; each response costs one header read when it has no `Content-Encoding`.
 * @example
 * const client = createClient({ maxDecompressedBytes: 10 * 1024 * 1024, decoders: { lz4: myLz4Decoder } });
 * const raw = await client.get(url, { decompress: false }); // still encoded
 */
export function decompress(options: DecompressOptions = {}): Step {
  // The transport decodes by itself, and answers for `decompress: false` (honours or refuses it).
  if (options.rawBody === false) return defineStep({ name: 'decompress' });
  const decoders = options.decoders ?? webDecoders();
  const accept = acceptEncodingFor(decoders);
  const decoded = (res: Response, out: Request, ctx: ExchangeContext): Response => {
    const encoding = responseHeader(res, 'content-encoding');
    if (encoding === null || !ctx.options.decompress) return res; // (work: decompress: false)
    if (noBody(requestParts(out).method, res.status) || responseHeader(res, 'content-length') === '0') return res;
    const codings = encoding
      .toLowerCase()
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '' && c !== 'identity');
    if (codings.length === 0) return res;
    if (codings.length > maxCodings) {
      discardBody(res);
      throw new DecodingError(describe(`more than ${maxCodings} content-codings (${codings.length})`, out), { request: out });
    }
    for (const c of codings) if (decoders[c] === undefined) return res;
    const body = res.body;
    if (body === null) return res;
    let stream: ReadableStream<Uint8Array> = body;
    // Content-Encoding lists codings in the order they were applied: undo the last first.
    for (let i = codings.length - 1; i >= 0; i--) stream = (decoders[codings[i] as string] as Decoder)(stream);
    const headers = new Headers(res.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return deriveResponse(res, {
      body: guarded(stream, ctx.options.maxDecompressedBytes, codings.join(', '), out, ctx.signal),
      headers,
    });
  };

  const after = (res: Response, request: Request, _body: unknown, ctx: ExchangeContext): Response => decoded(res, request, ctx);
  const watches = (_request: Request, ctx: ExchangeContext): boolean => ctx.options.decompress;
  // Nothing to advertise (x-gzip or identity only): decode what comes anyway.
  if (accept === '') return defineStep({ name: 'decompress', watches, after });

  // The last header list looked at, and whether it has Accept-Encoding: a client's requests
  // share its default list.
  let lastList: HeaderList | null = null;
  let lastHas = false;
  const hasAccept = (request: Request): boolean => {
    const h = requestParts(request).headers;
    if (h instanceof Headers) return h.has('accept-encoding');
    if (h !== lastList) {
      lastList = h;
      lastHas = headerValue(h, 'accept-encoding') !== null;
    }
    return lastHas;
  };

  return defineStep({
    name: 'decompress',
    headers: Object.freeze([Object.freeze(['accept-encoding', accept] as const)]),
    idle: hasAccept,
    work(request, next, ctx) {
      const parts = requestParts(request);
      const list = parts.headers instanceof Headers ? headerList(request) : parts.headers;
      // The body has not been sent yet: hand the same source on (a replay would call a producer again).
      const out = derive(request, { headers: [...list, ['accept-encoding', accept]], body: parts.body });
      return next(out, ctx).then((res) => decoded(res, out, ctx));
    },
    watches,
    after,
  });
}
