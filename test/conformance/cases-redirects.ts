/**
 * Conformance cases: redirects (or the declared native fallback) and cookies (or the
 * declared fallback: the browser's own jar).
 */
import type { Echo } from './cases-basic.js';
import { type ConformanceCase, expectCapability, expectCode, is, type SuiteContext } from './suite.js';

export function redirectCases(ctx: SuiteContext): ConformanceCase[] {
  const { url } = ctx;
  const caps = ctx.transport.capabilities;
  const name = ctx.transport.name;
  const cases: ConformanceCase[] = [
    {
      name: 'redirects: a 302 is followed; url and redirected tell the final hop',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url(`/redirect?to=${encodeURIComponent('/echo?final=1')}`));
          assert.equal(res.status, 200);
          assert.equal(res.url, url('/echo?final=1'));
          assert.equal(res.redirected, true);
          assert.equal(((await res.json()) as Echo).url, '/echo?final=1');
        }),
    },
    {
      name: caps.manualRedirects
        ? 'redirects: history holds every hop, oldest first'
        : 'redirects (native): history is empty, redirected is set',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url('/chain?n=2'));
          assert.equal(await res.text(), 'done');
          assert.equal(res.redirected, true);
          if (caps.manualRedirects) {
            assert.deepEqual(
              res.history.map((r) => [r.status, r.url]),
              [
                [302, url('/chain?n=2')],
                [302, url('/chain?n=1')],
              ],
            );
            assert.equal(res.previous?.url, url('/chain?n=1'));
          } else assert.equal(res.history.length, 0);
        }),
    },
    {
      name: 'redirects: a 303 after POST becomes a GET without the body',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.post(url(`/redirect?status=303&to=${encodeURIComponent('/echo?after=303')}`), { body: 'payload' });
          const echo = (await res.json()) as Echo;
          assert.equal(echo.method, 'GET');
          assert.equal(echo.body, '');
        }),
    },
    {
      name: caps.manualRedirects
        ? "redirects: redirect: 'manual' returns the 3xx with its Location"
        : "redirects: redirect: 'manual' is refused with a CapabilityError before any I/O",
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const path = ctx.unique('manual');
          const target = `/redirect?to=${encodeURIComponent(`${path}`)}`;
          if (caps.manualRedirects) {
            const res = await c.get(url(target), { redirect: 'manual' });
            assert.equal(res.status, 302);
            assert.equal(res.headers.get('location'), path);
            await res.text();
          } else {
            const e = await assert.rejects(c.get(url(`${path}?x=1`), { redirect: 'manual' }));
            expectCapability(assert, e, name, 'manualRedirects');
            assert.equal(await ctx.hits(path), 0, 'nothing was sent');
          }
        }),
    },
    {
      name: "redirects: redirect: 'error' rejects on a 3xx",
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const e = await assert.rejects(c.get(url('/redirect?to=/echo'), { redirect: 'error' }));
          assert.ok(is.ferry(e), `a ferry error, got ${(e as Error)?.message}`);
        }),
    },
    {
      name: caps.manualRedirects
        ? 'redirects: more than maxRedirects rejects with TooManyRedirectsError'
        : 'redirects: maxRedirects other than the browser’s 20 is refused with a CapabilityError',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const e = await assert.rejects(c.get(url('/chain?n=4'), { maxRedirects: 2 }));
          if (caps.manualRedirects) {
            expectCode(assert, e, 'ERR_TOO_MANY_REDIRECTS');
            assert.equal((e as { history: unknown[] }).history.length, 3);
          } else expectCapability(assert, e, name, 'maxRedirects');
        }),
    },
    {
      name: 'redirects: Authorization is not sent to another origin',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const to = encodeURIComponent(`${ctx.env.otherURL}/echo?cross=1`);
          const res = await c.get(url(`/redirect?to=${to}`), { headers: { authorization: 'Bearer secret' } });
          const echo = (await res.json()) as Echo;
          assert.equal(echo.url, '/echo?cross=1');
          assert.equal(echo.headers.authorization, undefined);
        }),
    },
    {
      name: caps.cookieHeaders
        ? 'cookies: a Set-Cookie is kept in the jar and sent back'
        : "cookies (native): the browser's jar keeps a Set-Cookie and sends it back",
      run: (assert) =>
        ctx.withClient(undefined, async (c) => {
          const value = ctx.unique('v').slice(1);
          await (await c.get(url(`/set-cookie?name=sid&value=${value}`))).text();
          const echo = (await (await c.get(url('/cookies'))).json()) as { cookie: string | null };
          assert.ok(echo.cookie?.includes(`sid=${value}`), `cookie header ${echo.cookie}`);
        }),
    },
    {
      name: caps.cookieHeaders
        ? 'cookies: per-request cookies are sent'
        : 'cookies: per-request cookies are refused with a CapabilityError before any I/O',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          if (caps.cookieHeaders) {
            const echo = (await (await c.get(url('/cookies'), { cookies: { a: 'b' } })).json()) as { cookie: string | null };
            assert.ok(echo.cookie?.includes('a=b'), `cookie header ${echo.cookie}`);
          } else {
            const path = ctx.unique('cookies');
            expectCapability(assert, await assert.rejects(c.get(url(path), { cookies: { a: 'b' } })), name, 'cookieHeaders');
            assert.equal(await ctx.hits(path), 0, 'nothing was sent');
          }
        }),
    },
  ];
  if (caps.cookieHeaders && ctx.env.fetch) {
    const fetch = ctx.env.fetch;
    cases.push({
      name: 'cookies: the plain fetch export keeps no jar',
      run: async (assert) => {
        await (await fetch(url('/set-cookie?name=nojar&value=1'))).text();
        const echo = (await (await fetch(url('/cookies'))).json()) as { cookie: string | null };
        assert.ok(!echo.cookie?.includes('nojar='), `cookie header ${echo.cookie}`);
      },
    });
  }
  return cases;
}
