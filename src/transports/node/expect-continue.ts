/**
 * `Expect: 100-continue` uploads for the Node transport. undici's HTTP/1.1 client refuses an
 * `Expect` header and treats a `100` as a broken response, so these exchanges go over
 * node:http(s) on a connection of their own: the headers go out first, the body follows
 * `100 Continue` (or `continueTimeout` without an answer, as curl does), and a final status
 * that arrives first (401, 413, 417 …) is returned with the body never sent; the connection
 * is then closed, since the request on it was left unfinished.
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { text as readText } from 'node:stream/consumers';
import { describe, type ExchangeContext, FerryResponse, type RequestBody, type RequestParts, TimeoutError } from '../../core/kit.js';
import { bodySource, isCloseDelimited, type UndiciBody } from './body-source.js';
import { mapError } from './map-error.js';

/** node:http(s) request options an exchange may add (TLS material, `socketPath`, `lookup` …). */
export type ContinueConnectOptions = Omit<https.RequestOptions, 'method' | 'path' | 'headers' | 'signal'>;

/**
 * Whether this request asks first: `threshold` is `ResolvedOptions.expectContinue` (false,
 * or the smallest body size that asks); a body of unknown length always asks.
 * @example
 * if (wantsContinue(parts.body, ctx.options.expectContinue)) return sendExpectingContinue(request, parts, ctx);
 */
export function wantsContinue(body: RequestBody | null, threshold: false | number): body is RequestBody {
  return threshold !== false && body !== null && (body.length === null || body.length >= threshold);
}

function headerPairs(parts: RequestParts, body: RequestBody): string[] {
  // node:http adds no Host when headers come as a list
  const flat: string[] = ['host', parts.url.host];
  let hasLength = false;
  let hasExpect = false;
  const add = (k: string, v: string): void => {
    if (k === 'content-length') hasLength = true;
    else if (k === 'expect') hasExpect = true;
    if (k === 'host') flat[1] = v;
    else flat.push(k, v);
  };
  if (parts.headers instanceof Headers) parts.headers.forEach((v, k) => add(k, v));
  else for (const [k, v] of parts.headers) add(k, v);
  if (!hasLength && body.length !== null) flat.push('content-length', String(body.length));
  if (!hasExpect) flat.push('expect', '100-continue');
  return flat;
}

function bodyStream(body: RequestBody): Readable | string | Uint8Array {
  const { source } = body;
  if (typeof source === 'string' || source instanceof Uint8Array) return source;
  if (source instanceof Blob) return Readable.fromWeb(source.stream() as import('node:stream/web').ReadableStream<Uint8Array>);
  if (source instanceof ReadableStream) return Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
  return Readable.from(source);
}

/** IncomingMessage with the reading methods the shared body source expects of undici's body. */
function asUndiciBody(res: http.IncomingMessage): UndiciBody {
  const read = (): Promise<string> => readText(res);
  return Object.assign(res, {
    text: read,
    json: async () => JSON.parse(await read()) as unknown,
    arrayBuffer: async () => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const all = Buffer.concat(chunks);
      return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
    },
    dump: () => {
      res.resume();
      return Promise.resolve();
    },
  }) as unknown as UndiciBody;
}

/**
 * Sends one request with `Expect: 100-continue` and returns its final response. A `1xx`
 * is shown to `onHeaders` listeners as an informational response and never returned.
 * @example
 * const res = await sendExpectingContinue(request, requestParts(request), ctx);
 */
export function sendExpectingContinue(
  request: Request,
  parts: RequestParts,
  ctx: ExchangeContext,
  connect: ContinueConnectOptions = {},
): Promise<Response> {
  const { url, method } = parts;
  const body = parts.body as RequestBody;
  const signal = ctx.signal;
  const exchange = { method, url: url.href, signal };
  if (signal?.aborted) return Promise.reject(signal.reason);
  const secure = url.protocol === 'https:';
  const req = (secure ? https : http).request({
    ...connect,
    protocol: url.protocol,
    hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port || (secure ? 443 : 80),
    path: url.pathname + url.search,
    method,
    headers: headerPairs(parts, body) as unknown as http.OutgoingHttpHeaders,
    agent: false,
  });

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let bodyStarted = false;
    // `headers` and `bodyIdle` are the core's (hopTimeouts); `connect` is the transport's.
    const connectTimeout = ctx.options.timeout?.connect;
    const timers: ReturnType<typeof setTimeout>[] = [];
    const cleanup = (): void => {
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      reject(signal?.aborted ? signal.reason : e);
    };
    function onAbort(): void {
      fail(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const sendBody = (): void => {
      if (bodyStarted || settled) return;
      bodyStarted = true;
      const out = bodyStream(body);
      if (typeof out === 'string' || out instanceof Uint8Array) {
        req.end(out);
        return;
      }
      out.on('error', (e) => {
        req.destroy();
        fail(mapError(e, exchange));
      });
      out.pipe(req);
    };
    timers.push(setTimeout(sendBody, ctx.options.continueTimeout));
    if (connectTimeout !== undefined) {
      const timer = setTimeout(() => fail(new TimeoutError(describe('connect timeout', exchange), 'connect')), connectTimeout);
      timers.push(timer);
      req.once('socket', (socket) => {
        if (!socket.connecting) clearTimeout(timer);
        else socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
      });
    }

    req.on('continue', sendBody);
    req.on('information', (info) => {
      if (!ctx.events.has('onHeaders')) return;
      try {
        ctx.events.emit(
          'onHeaders',
          new FerryResponse(null, {
            status: info.statusCode,
            statusText: info.statusMessage,
            headers: info.headers as Record<string, string | string[]>,
            url: url.href,
            request,
            httpVersion: info.httpVersion,
          }),
        );
      } catch (e) {
        fail(e);
      }
    });
    req.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      cleanup();
      // A request left unfinished (the body never sent, or still going) ruins the connection.
      const release = (): void => {
        if (!req.writableFinished) req.destroy();
      };
      res.once('end', release);
      res.once('close', release);
      if (signal) {
        const abortBody = (): void => {
          res.destroy(signal.reason instanceof Error ? signal.reason : undefined);
        };
        signal.addEventListener('abort', abortBody, { once: true });
        res.once('close', () => signal.removeEventListener('abort', abortBody));
      }
      const resHeaders = res.headers as Record<string, string | string[]>;
      const closeDelimited = res.httpVersion !== '2.0' && isCloseDelimited(method, res.statusCode ?? 0, resHeaders);
      const source = bodySource(asUndiciBody(res), exchange, closeDelimited);
      resolve(
        new FerryResponse(source, {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: resHeaders,
          url: url.href,
          request,
          httpVersion: res.httpVersion,
          complete: () => source.complete(),
        }),
      );
    });
    req.on('error', (e) => fail(mapError(e, exchange)));
    req.flushHeaders();
  });
}
