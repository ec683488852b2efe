/**
 * Conformance cases: fetch's per-request init fields (issue 8). `integrity` holds everywhere
 * (verified by the platform where it can, by ferry elsewhere), validation mirrors fetch's, and
 * where the platform keeps the cookies (a browser) `credentials` decides whether they go.
 */
import { type Assert, type ConformanceCase, expectCode, type SuiteContext } from './suite.js';

async function sri(alg: 'SHA-256' | 'SHA-384' | 'SHA-512', text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(alg, new TextEncoder().encode(text)));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return `${alg.replace('SHA-', 'sha')}-${btoa(binary)}`;
}

/** What the server sends for `path`, read with the platform's own fetch. */
async function served(ctx: SuiteContext, path: string): Promise<string> {
  return (await globalThis.fetch(ctx.url(path))).text();
}

export function fetchInitCases(ctx: SuiteContext): ConformanceCase[] {
  const { url } = ctx;
  const native = ctx.transport.capabilities.integrity === true;
  const expectMismatch = (assert: Assert, e: unknown): void => {
    assert.ok(e instanceof TypeError, `a TypeError, as fetch's (got ${(e as Error)?.name})`);
    // The browser fails it natively (a network error); ferry says what it was.
    expectCode(assert, e, native ? 'ERR_NETWORK' : 'ERR_INTEGRITY');
  };
  const cases: ConformanceCase[] = [
    {
      name: 'integrity: a matching body passes (sha256, sha384 and sha512 together)',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const text = await served(ctx, '/asset');
          const metadata = `${await sri('SHA-256', 'other')} ${await sri('SHA-384', text)} ${await sri('SHA-512', text)}?ct=js`;
          const res = await c.get(url('/asset'), { integrity: metadata });
          assert.equal(res.status, 200);
          assert.equal(await res.text(), text);
        }),
    },
    {
      name: 'integrity: a mismatch rejects with a TypeError before the response is handed on',
      run: (assert) =>
        ctx.withClient({ cookies: false, retry: false }, async (c) => {
          const e = await assert.rejects(c.fetch(url('/asset'), { integrity: await sri('SHA-256', 'tampered') }));
          expectMismatch(assert, e);
          const request = new Request(url('/asset'), { integrity: await sri('SHA-384', 'tampered') });
          // Bun's Request drops `integrity` (it reads ''): there is nothing left to verify.
          if (request.integrity !== '') expectMismatch(assert, await assert.rejects(c.fetch(request)));
        }),
    },
    {
      name: 'integrity: the decoded body is what is hashed (gzip on the wire)',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const path = '/encoded?coding=gzip';
          const text = await served(ctx, path);
          const res = await c.get(url(path), { integrity: await sri('SHA-256', text) });
          assert.equal(await res.text(), text);
        }),
    },
    {
      name: 'integrity: checked on the final response of a redirect',
      run: (assert) =>
        ctx.withClient({ cookies: false, retry: false }, async (c) => {
          const text = await served(ctx, '/asset');
          const res = await c.get(url('/redirect?status=302&to=/asset'), { integrity: await sri('SHA-256', text) });
          assert.equal(await res.text(), text);
          const e = await assert.rejects(c.get(url('/redirect?status=302&to=/asset'), { integrity: await sri('SHA-256', 'x') }));
          expectMismatch(assert, e);
        }),
    },
    {
      name: "fetch init fields: validated as fetch does, before any I/O ('only-if-cached' needs 'same-origin')",
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const path = ctx.unique('only-if-cached');
          const e = await assert.rejects(c.get(url(path), { cache: 'only-if-cached' }));
          expectCode(assert, e, 'ERR_INVALID_OPTION');
          assert.equal((e as { option?: string }).option, 'cache');
          assert.ok((e as Error).message.startsWith(`GET ${url(path)}: cache: `), (e as Error).message);
          const bad = await assert.rejects(c.get(url(path), { credentials: 'sometimes' as RequestCredentials }));
          expectCode(assert, bad, 'ERR_INVALID_OPTION');
          assert.equal(await ctx.hits(path), 0, 'nothing was sent');
        }),
    },
    {
      name: 'fetch init fields: a request that sets them still arrives as asked elsewhere',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url('/echo'), { cache: 'no-store', priority: 'low', referrerPolicy: 'no-referrer', keepalive: true });
          assert.equal(res.status, 200);
          assert.equal(((await res.json()) as { method: string }).method, 'GET');
        }),
    },
    {
      name: 'fetch init fields: res.request reports them (Node and the browser keep them on a Request)',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.post(url('/echo'), { body: 'x', cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
          await res.arrayBuffer();
          const r = res.request as Request;
          // Deno and Bun answer some of these with their defaults whatever a Request was given.
          if (!/^(node|chromium)/.test(ctx.env.runtime)) return;
          assert.equal(r.cache, 'no-store');
          assert.equal(r.credentials, 'omit');
          assert.equal(r.referrerPolicy, 'no-referrer');
          assert.equal(r.method, 'POST');
        }),
    },
  ];
  if (!ctx.transport.capabilities.cookieHeaders) {
    // The platform keeps the cookies (a browser page on the conformance server's origin).
    cases.push({
      name: "credentials: 'include' sends the platform's cookies cross-origin, 'omit' sends none same-origin",
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const name = ctx
            .unique('cred')
            .slice(1)
            .replace(/[^a-z0-9]/gi, '');
          await (await c.get(url(`/set-cookie?name=${name}&value=1`))).text();
          const cookie = async (base: string, init: { credentials?: RequestCredentials }): Promise<string> =>
            ((await (await c.get(`${base}/cookies`, init)).json()) as { cookie: string | null }).cookie ?? '';
          const other = ctx.env.otherURL;
          assert.ok((await cookie(ctx.env.baseURL, {})).includes(`${name}=1`), 'same-origin by default');
          assert.ok(!(await cookie(ctx.env.baseURL, { credentials: 'omit' })).includes(name), "'omit': none same-origin");
          assert.ok(!(await cookie(other, {})).includes(name), 'none cross-origin by default');
          assert.ok((await cookie(other, { credentials: 'include' })).includes(`${name}=1`), "'include': sent cross-origin");
        }),
    });
  }
  return cases;
}
