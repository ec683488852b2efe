/**
 * Conformance cases: fetch fidelity, methods, headers, params, declared capabilities.
 */
import type { ConformanceCase, SuiteContext } from './suite.js';

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  base64: string;
  chunked: boolean;
}

export function basicCases(ctx: SuiteContext): ConformanceCase[] {
  const { url } = ctx;
  const cases: ConformanceCase[] = [
    {
      name: 'fetch: name, length, a Response with status and url',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          assert.equal(c.fetch.name, 'fetch');
          assert.equal(c.fetch.length, 1);
          const res = await c.fetch(url('/echo?x=1'));
          assert.ok(res instanceof Response, 'instanceof Response');
          assert.equal(res.status, 200);
          assert.equal(res.ok, true);
          assert.equal(res.url, url('/echo?x=1'));
          assert.equal(((await res.json()) as Echo).method, 'GET');
        }),
    },
    {
      name: "a response is a Response by its members; platform code reading a Response's internals fails visibly",
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url('/echo?x=2'));
          assert.equal(Object.prototype.toString.call(res), '[object Response]');
          // What fetch's own consumers read (members) carries everything over to a platform Response.
          const copy = new Response(res.body, res);
          assert.equal(copy.status, 200);
          assert.equal(copy.headers.get('content-type'), res.headers.get('content-type'));
          assert.equal(((await copy.json()) as Echo).url, '/echo?x=2');
          // Not an empty 200 from slots nobody filled (what Deno.serve used to send): an error.
          const other = await c.get(url('/echo'));
          await assert.rejects(
            () => Response.prototype.text.call(other),
            (e) => assert.ok(e instanceof TypeError, `a TypeError: ${String(e)}`),
          );
          assert.equal(((await other.json()) as Echo).method, 'GET', 'the body is still there');
        }),
    },
    {
      name: 'fetch: a Request as input is honoured whole (method, headers, body)',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const req = new Request(url('/echo'), { method: 'PUT', headers: { 'x-from-request': 'yes' }, body: 'from a Request' });
          const echo = (await (await c.fetch(req)).json()) as Echo;
          assert.equal(echo.method, 'PUT');
          assert.equal(echo.headers['x-from-request'], 'yes');
          assert.equal(echo.body, 'from a Request');
          // Node's Request knows the length of a string body (Node 24 hides it: ferry reads it ahead).
          if (ctx.env.runtime.startsWith('node')) assert.equal(echo.chunked, false, 'sent with Content-Length');
        }),
    },
    {
      name: 'requests user code sees are ones the platform accepts (middleware, events, res.request, errors, custom transports)',
      run: (assert) => {
        const seen: string[] = [];
        // The platform's Request members refuse an object it did not build where its internals
        // are private (Node 24): each copy below throws unless ferry handed out a real one.
        // (A clone leaves the request usable; `new Request(r)` would take its body.)
        const copy = (where: string, r: Request | undefined): void => {
          assert.ok(r instanceof Request, `${where}: instanceof Request`);
          const c = Request.prototype.clone.call(r as Request);
          if (c.body === null) new Request(r as Request, { headers: { 'x-copied': where } });
          seen.push(`${where} ${c.method} ${new URL(c.url).pathname}`);
        };
        const transport = ctx.transport;
        const custom = {
          name: 'custom',
          capabilities: transport.capabilities,
          ...(transport.decoders ? { decoders: transport.decoders } : {}),
          send: (r: Request, x: Parameters<typeof transport.send>[1]) => {
            copy('transport', r);
            return transport.send(r, x);
          },
        };
        return ctx.withClient(
          {
            cookies: false,
            middleware: [
              (r, next, x) => {
                copy('middleware', r);
                return next(r, x);
              },
            ],
            on: { preRequest: (r) => copy('preRequest', r) },
          },
          async (c) => {
            const res = await c.post(url('/echo'), { json: { a: 1 } });
            assert.equal(((await res.json()) as Echo).body, '{"a":1}');
            copy('res.request', res.request);
            assert.equal(res.request?.url, url('/echo'));
            const e = await assert.rejects(c.get(url('/status?code=404'), { throwHttpErrors: true }));
            copy('error.request', (e as { request?: Request }).request);
            await ctx.withClient({ cookies: false, transport: custom as typeof transport }, async (c2) => {
              const r2 = await c2.post(url('/echo'), { body: 'to a custom transport' });
              assert.equal(((await r2.json()) as Echo).body, 'to a custom transport');
            });
            assert.deepEqual(seen, [
              'middleware POST /echo',
              'preRequest POST /echo',
              'res.request POST /echo',
              'middleware GET /status',
              'preRequest GET /status',
              'error.request GET /status',
              'transport POST /echo',
            ]);
          },
        );
      },
    },
    {
      name: 'methods: GET POST PUT PATCH DELETE OPTIONS and an extension token arrive as sent',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PURGE']) {
            const echo = (await (await c.fetch(url('/echo'), { method })).json()) as Echo;
            assert.equal(echo.method, method, `method ${method}`);
          }
          const viaHelper = (await (await c.patch(url('/echo'), { json: { a: 1 } })).json()) as Echo;
          assert.equal(viaHelper.method, 'PATCH');
        }),
    },
    {
      name: 'methods: HEAD gives headers and an empty body',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.head(url('/echo'));
          assert.equal(res.status, 200);
          assert.equal(res.headers.get('content-type'), 'application/json');
          assert.equal(await res.text(), '');
        }),
    },
    {
      name: 'headers: request headers arrive; client and request headers merge',
      run: (assert) =>
        ctx.withClient({ cookies: false, headers: { 'x-client': 'c', 'x-both': 'client' } }, async (c) => {
          const echo = (await (await c.get(url('/echo'), { headers: { 'X-Request': 'r', 'x-both': 'request' } })).json()) as Echo;
          assert.equal(echo.headers['x-client'], 'c');
          assert.equal(echo.headers['x-request'], 'r');
          assert.equal(echo.headers['x-both'], 'request');
        }),
    },
    {
      name: 'headers: response headers are case-insensitive and repeats are combined',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url('/multi-header'));
          assert.equal(res.headers.get('X-Multi'), 'a, b');
          await res.text();
        }),
    },
    {
      name: 'params: client and request params build the query string',
      run: (assert) =>
        ctx.withClient({ cookies: false, params: { fixed: 'f' } }, async (c) => {
          const echo = (await (await c.get(url('/echo'), { params: { page: 2, tag: ['a', 'b'] } })).json()) as Echo;
          assert.equal(echo.url, '/echo?fixed=f&page=2&tag=a&tag=b');
        }),
    },
    {
      name: 'capabilities: declared, every one a boolean',
      run: async (assert) => {
        const t = ctx.transport;
        assert.equal(typeof t.name, 'string');
        for (const key of ['manualRedirects', 'cookieHeaders', 'rawBody', 'streamingUpload', 'proxy', 'tls', 'unixSocket', 'http2']) {
          assert.equal(typeof (t.capabilities as unknown as Record<string, unknown>)[key], 'boolean', `capabilities.${key}`);
        }
      },
    },
    {
      name: 'fetch: statuses resolve (fetch semantics); throwHttpErrors throws HTTPStatusError',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url('/status?code=404'));
          assert.equal(res.status, 404);
          assert.equal(res.ok, false);
          assert.equal(await res.text(), 'status 404');
          const e = await assert.rejects(c.get(url('/status?code=503'), { throwHttpErrors: true, retry: false }));
          assert.equal((e as { code?: string }).code, 'ERR_HTTP_STATUS');
          assert.equal((e as { status?: number }).status, 503);
        }),
    },
  ];
  if (ctx.env.fetch) {
    const fetch = ctx.env.fetch;
    cases.push({
      name: "fetch: the entry's default fetch export works",
      run: async (assert) => {
        const res = await fetch(url('/echo'), { method: 'POST', body: 'default' });
        assert.equal(((await res.json()) as Echo).body, 'default');
      },
    });
  }
  return cases;
}

export type { Echo };
