/**
 * The `decompress()` middleware (Twisted's ContentDecoderAgent): advertises the codings this
 * runtime can decode in `Accept-Encoding` (unless the request sets it) and decodes
 * `Content-Encoding` as a stream, with a ceiling.
 *
 * Decoders, later wins: the runtime's `DecompressionStream` (gzip, x-gzip, deflate), the
 * transport's `decoders` (Node: zlib's gzip with concatenated members, deflate, br, and zstd
 * where node:zlib has it), then `ClientOptions.decoders`. `deflate` accepts zlib-wrapped and
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
 * the browser, Deno), this middleware steps aside: such a transport answers for
 * `decompress: false` itself (the browser refuses it with `CapabilityError`; Deno asks for
 * `identity`).
 * @module
 */
import type { ClientInternals } from '../client.js';
import type { ExchangeContext } from '../context.js';
import type { Decoder } from '../decoder.js';
import { DecodingError, describe, isFerryError } from '../errors.js';
import { type HeaderList, headerValue } from '../headers.js';
import type { Middleware } from '../middleware.js';
import { derive, headerList, requestParts } from '../request.js';
import { deriveResponse, discardBody, responseHeader } from '../response.js';
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
 * Creates the decompression middleware for a client (part of the default chain). Costs one
 * header read per response without `Content-Encoding`.
 * @example
 * const client = createClient({ maxDecompressedBytes: 10 * 1024 * 1024, decoders: { lz4: myLz4Decoder } });
 * const raw = await client.get(url, { decompress: false }); // still encoded
 */
export function decompress(internals: ClientInternals): Middleware {
  return decompressSteps(internals).middleware;
}

/** Internal: the decompression middleware in two halves as well (see hop-steps.ts). */
export interface DecompressSteps {
  readonly middleware: Middleware;
  /** The request to hand on: with Accept-Encoding where it lacks one. */
  before(request: Request): Request;
  /** The response decoded (sync: the body is decoded as it is read). */
  after(res: Response, out: Request, ctx: ExchangeContext): Response;
}

/** See `decompress`; also gives its two halves. */
export function decompressSteps(internals: ClientInternals): DecompressSteps {
  const { transport } = internals;
  const rawBody = transport.capabilities.rawBody;
  const decoders: Readonly<Record<string, Decoder>> = Object.freeze({
    ...webDecoders(),
    ...(transport.decoders ?? {}),
    ...internals.config.decoders,
  });
  const accept = acceptEncodingFor(decoders);
  // Every request of this client starts with it (see ClientInternals.requestHeaders): the
  // check below then finds it and derives nothing.
  if (rawBody && accept !== '' && headerValue(internals.requestHeaders, 'accept-encoding') === null)
    internals.requestHeaders = [...internals.requestHeaders, ['accept-encoding', accept]];
  let lastIn: HeaderList | null = null;
  let lastOut: HeaderList | null = null;

  const decoded = (res: Response, out: Request, ctx: ExchangeContext): Response => {
    const encoding = responseHeader(res, 'content-encoding');
    if (encoding === null || !ctx.options.decompress) return res;
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

  const before = (request: Request): Request => {
    const parts = requestParts(request);
    if (accept === '' || (parts.headers instanceof Headers && parts.headers.has('accept-encoding'))) return request;
    const list = parts.headers instanceof Headers ? headerList(request) : parts.headers;
    if (list !== lastIn) {
      lastIn = list;
      lastOut = headerValue(list, 'accept-encoding') === null ? [...list, ['accept-encoding', accept]] : list;
    }
    // The body has not been sent yet: hand the same source on (a replay would call a producer again).
    return lastOut === list ? request : derive(request, { headers: lastOut as HeaderList, body: parts.body });
  };
  const after = (res: Response, out: Request, ctx: ExchangeContext): Response => (rawBody ? decoded(res, out, ctx) : res);

  // A continuation, not an async frame: most responses need nothing decoded.
  const middleware: Middleware = (request, next, ctx) => {
    // The transport decodes by itself, and answers for `decompress: false` (honours or refuses it).
    if (!rawBody) return next(request, ctx);
    const out = before(request);
    return next(out, ctx).then((res) => decoded(res, out, ctx));
  };
  return { middleware, before: (request) => (rawBody ? before(request) : request), after };
}
