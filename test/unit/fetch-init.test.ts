/**
 * fetch's per-request init fields (credentials, mode, cache, referrer, referrerPolicy,
 * integrity, keepalive, priority): resolution from an init, from a foreign Request and from
 * defaults, validation before any I/O, and what the transports hand to the platform's fetch.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient, type ExchangeContext, InvalidOptionError } from '../../src/core/index.js';
import { resolveFetchInit } from '../../src/core/kit.js';
import { createBrowserTransport } from '../../src/transports/browser/index.js';
import { createBunTransport } from '../../src/transports/bun/index.js';
import { createDenoTransport } from '../../src/transports/deno/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const url = 'http://127.0.0.1:1/x';
const target = { method: 'GET', url, streamBody: false };

function seen(): { transport: ReturnType<typeof inlineTransport>; last(): ExchangeContext } {
  const transport = inlineTransport(() => new Response('ok'));
  return { transport, last: () => transport.contexts[transport.contexts.length - 1] as ExchangeContext };
}

describe('fetch init fields: resolution', () => {
  test('none set: nothing carried (undefined), for init, foreign Request and both', () => {
    assert.equal(resolveFetchInit(undefined, null, target), undefined);
    assert.equal(resolveFetchInit({ method: 'GET', headers: {} }, null, target), undefined);
    assert.equal(resolveFetchInit(undefined, new Request(url), target), undefined);
    assert.equal(resolveFetchInit({}, new Request(url), target), undefined);
  });

  test('an init carries exactly the fields it set', () => {
    const all = {
      credentials: 'include',
      mode: 'same-origin',
      cache: 'only-if-cached',
      referrer: 'http://127.0.0.1:1/page',
      referrerPolicy: 'unsafe-url',
      integrity: 'sha256-abc',
      keepalive: true,
      priority: 'high',
    } as const;
    assert.deepEqual(resolveFetchInit(all, null, target), all);
    assert.deepEqual(resolveFetchInit({ credentials: 'omit', timeout: 5 }, null, target), { credentials: 'omit' });
    assert.ok(Object.isFrozen(resolveFetchInit({ credentials: 'omit' }, null, target)));
  });

  test('a foreign Request carries its own values; defaults stay unset', () => {
    const req = new Request(url, { credentials: 'include', cache: 'no-store', integrity: 'sha384-x', keepalive: true });
    assert.deepEqual(resolveFetchInit(undefined, req, target), {
      credentials: 'include',
      cache: 'no-store',
      integrity: 'sha384-x',
      keepalive: true,
    });
    const referred = new Request(url, { referrer: 'http://127.0.0.1:1/from', referrerPolicy: 'origin' });
    assert.deepEqual(resolveFetchInit(undefined, referred, target), { referrer: 'http://127.0.0.1:1/from', referrerPolicy: 'origin' });
  });

  test('init wins over the Request, field by field', () => {
    const req = new Request(url, { credentials: 'include', mode: 'same-origin', cache: 'reload' });
    assert.deepEqual(resolveFetchInit({ credentials: 'omit' }, req, target), { credentials: 'omit', mode: 'same-origin', cache: 'reload' });
  });

  test("an init with RequestInit members resets the Request's referrer and policy (as new Request(req, init) does)", () => {
    const req = new Request(url, { referrer: 'http://127.0.0.1:1/from', referrerPolicy: 'origin', credentials: 'include' });
    assert.deepEqual(resolveFetchInit({ headers: { a: 'b' } }, req, target), { credentials: 'include' });
    // ferry's own extras are no RequestInit members
    assert.deepEqual(resolveFetchInit({ timeout: 5 }, req, target), {
      credentials: 'include',
      referrer: 'http://127.0.0.1:1/from',
      referrerPolicy: 'origin',
    });
  });

  test('empty integrity means no check: not carried', () => {
    assert.equal(resolveFetchInit({ integrity: '' }, null, target), undefined);
  });

  test('a URL object is a referrer', () => {
    assert.deepEqual(resolveFetchInit({ referrer: new URL('http://127.0.0.1:1/p') } as never, null, target), {
      referrer: 'http://127.0.0.1:1/p',
    });
  });
});

describe('fetch init fields: validation before any I/O', () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['credentials', { credentials: 'sometimes' }, /credentials: expected one of 'omit', 'same-origin', 'include', got 'sometimes'/],
    ['mode', { mode: 'navigate' }, /mode: 'navigate' cannot be set/],
    ['mode', { mode: 'cross' }, /mode: expected one of/],
    ['cache', { cache: 'forever' }, /cache: expected one of/],
    ['cache', { cache: 'only-if-cached' }, /'only-if-cached' can be set only with mode 'same-origin' \(mode is 'cors'\)/],
    ['cache', { cache: 'only-if-cached', mode: 'no-cors' }, /mode is 'no-cors'/],
    ['referrer', { referrer: 'http://[' }, /referrer: not a valid URL/],
    ['referrer', { referrer: 42 }, /referrer: expected a URL string, got 42/],
    ['referrerPolicy', { referrerPolicy: 'sometimes' }, /referrerPolicy: expected one of/],
    ['integrity', { integrity: 1 }, /integrity: expected a string/],
    ['keepalive', { keepalive: 'yes' }, /keepalive: expected a boolean/],
    ['priority', { priority: 'urgent' }, /priority: expected one of 'high', 'low', 'auto'/],
    ['mode', { mode: 'no-cors', method: 'PUT' }, /'no-cors' allows only GET, HEAD and POST \(method is PUT\)/],
  ];
  for (const [option, init, message] of bad) {
    test(`${JSON.stringify(init)} is an InvalidOptionError naming ${option}, the method and the URL`, async () => {
      const { transport } = seen();
      const client = createClient({ transport, cookies: false });
      await assert.rejects(client.fetch('http://user:secret@127.0.0.1:1/x', init as never), (e: unknown) => {
        assert.ok(e instanceof InvalidOptionError);
        assert.ok(e instanceof TypeError);
        assert.equal(e.option, option);
        assert.match(e.message, message);
        assert.match(e.message, new RegExp(`^${(init.method as string) ?? 'GET'} http://127\\.0\\.0\\.1:1/x: ${option}: `));
        assert.doesNotMatch(e.message, /secret/);
        return true;
      });
      assert.equal(transport.requests.length, 0);
    });
  }

  test('a foreign Request is checked together with the init (only-if-cached needs same-origin)', async () => {
    const { transport } = seen();
    const client = createClient({ transport, cookies: false });
    const req = new Request(url, { cache: 'only-if-cached', mode: 'same-origin' });
    await client.fetch(req);
    assert.deepEqual(transport.contexts[0]?.options.fetchInit, { cache: 'only-if-cached', mode: 'same-origin' });
    await assert.rejects(client.fetch(req, { mode: 'cors' }), (e: unknown) => e instanceof InvalidOptionError && e.option === 'cache');
  });

  test('keepalive with a stream body is refused, with bytes it is fine', async () => {
    const { transport } = seen();
    const client = createClient({ transport, cookies: false });
    const stream = new ReadableStream({ start: (c) => c.close() });
    await assert.rejects(
      client.post(url, { keepalive: true, body: stream }),
      (e: unknown) => e instanceof InvalidOptionError && e.option === 'keepalive',
    );
    await client.post(url, { keepalive: true, body: 'bytes' });
    assert.equal(transport.contexts[0]?.options.fetchInit?.keepalive, true);
  });
});

describe('fetch init fields: ctx.options.fetchInit', () => {
  test('the transport sees the resolved fields; requests without them share the client options', async () => {
    const { transport, last } = seen();
    const client = createClient({ transport, cookies: false });
    await client.get(url, { credentials: 'include', priority: 'low' });
    assert.deepEqual(last().options.fetchInit, { credentials: 'include', priority: 'low' });
    await client.get(url);
    assert.equal(last().options.fetchInit, undefined);
    assert.equal(last().options, client.config.shared);
  });

  test('fields survive redirect hops (one ctx.options for the whole exchange)', async () => {
    const transport = inlineTransport((req) =>
      new URL(req.url).pathname === '/from' ? new Response(null, { status: 302, headers: { location: '/to' } }) : new Response('ok'),
    );
    const client = createClient({ transport, cookies: false });
    await client.get('http://127.0.0.1:1/from', { cache: 'no-store' });
    assert.equal(transport.contexts.length, 2);
    for (const ctx of transport.contexts) assert.deepEqual(ctx.options.fetchInit, { cache: 'no-store' });
  });
});

type Call = { url: string; init: Record<string, unknown> };
function platform(): { calls: Call[]; fetch: typeof globalThis.fetch } {
  const calls: Call[] = [];
  const fetch = (async (u: string, init: Record<string, unknown>) => {
    calls.push({ url: u, init });
    return new Response('ok');
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

describe('fetch init fields: the fetch-based transports pass what was set', () => {
  const all = {
    credentials: 'include',
    mode: 'same-origin',
    cache: 'no-store',
    referrer: 'http://127.0.0.1:1/page',
    referrerPolicy: 'origin',
    keepalive: true,
    priority: 'high',
  } as const;
  const keys = ['credentials', 'mode', 'cache', 'referrer', 'referrerPolicy', 'integrity', 'keepalive', 'priority'];
  const picked = (init: Record<string, unknown>) => Object.fromEntries(keys.filter((k) => k in init).map((k) => [k, init[k]]));

  test('browser: every field, integrity included; a request credentials overrides the client-wide one', async () => {
    const p = platform();
    const client = createClient({ transport: createBrowserTransport({ fetch: p.fetch, credentials: 'omit' }), cookies: false });
    await client.get(url);
    assert.deepEqual(picked(p.calls[0]?.init ?? {}), { credentials: 'omit' });
    await client.get(url, { ...all, integrity: 'sha256-x' });
    assert.deepEqual(picked(p.calls[1]?.init ?? {}), { ...all, integrity: 'sha256-x' });
    await client.get(url, { credentials: 'same-origin' });
    assert.deepEqual(picked(p.calls[2]?.init ?? {}), { credentials: 'same-origin' });
  });

  test('browser: integrity is left to the browser (no core read of the body)', async () => {
    const p = platform();
    const client = createClient({ transport: createBrowserTransport({ fetch: p.fetch }), cookies: false });
    const res = await client.get(url, { integrity: 'sha256-does-not-match' });
    assert.equal(await res.text(), 'ok');
  });

  for (const [name, make] of [
    ['deno', (f: typeof globalThis.fetch) => createDenoTransport({ fetch: f })],
    ['bun', (f: typeof globalThis.fetch) => createBunTransport({ fetch: f })],
  ] as const) {
    test(`${name}: the set fields, never integrity (core verifies it); nothing when none is set`, async () => {
      const p = platform();
      const client = createClient({ transport: make(p.fetch), cookies: false, retry: false });
      await client.get(url);
      assert.deepEqual(picked(p.calls[0]?.init ?? {}), {});
      await client.get(url, all);
      assert.deepEqual(picked(p.calls[1]?.init ?? {}), all);
      await assert.rejects(client.get(url, { integrity: 'sha256-does-not-match' }), (e: unknown) => (e as Error).name === 'IntegrityError');
      assert.deepEqual(picked(p.calls[2]?.init ?? {}), {});
    });
  }
});
