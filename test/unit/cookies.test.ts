import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CookieJar } from 'tough-cookie';
import { CapabilityError, createClient as createCoreClient, InvalidOptionError } from '../../src/core/index.js';
import { createDefaultFetch, withDefaultTransport } from '../../src/core/kit.js';
import { createClient as createBrowserEntryClient } from '../../src/index.js';
// `ferry` on Node: its createClient injects the jar factory (core alone makes no jar).
import { createClient } from '../../src/index.node.js';
import { createClient as createBunEntryClient } from '../../src/transports/bun/index.js';
import { createClient as createDenoEntryClient } from '../../src/transports/deno/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

type Reply = (url: URL, cookie: string | null) => Response;

function setup(reply: Reply, options: Parameters<typeof createClient>[0] = {}, caps = {}) {
  const cookiesSeen: (string | null)[] = [];
  const transport = inlineTransport((req) => {
    const cookie = req.headers.get('cookie');
    cookiesSeen.push(cookie);
    return reply(new URL(req.url), cookie);
  }, caps);
  const client = createClient({ transport, ...options });
  return { client, transport, cookiesSeen };
}

const setCookie = (...values: string[]) => {
  const headers = new Headers();
  for (const v of values) headers.append('set-cookie', v);
  return new Response('ok', { headers });
};

describe('the jar', () => {
  test('createClient has a fresh jar by default: Set-Cookie is stored and sent back', async () => {
    const { client, cookiesSeen } = setup((url) =>
      url.pathname === '/login' ? setCookie('sid=abc; Path=/', 'theme=dark') : new Response('ok'),
    );
    assert.ok(client.cookies instanceof CookieJar);
    await client.get('http://example.com/login');
    await client.get('http://example.com/page');
    assert.deepEqual(cookiesSeen, [null, 'sid=abc; theme=dark']);
  });

  test('cookies: false keeps no jar and stores nothing', async () => {
    const { client, cookiesSeen } = setup(() => setCookie('sid=abc'), { cookies: false });
    assert.equal(client.cookies, undefined);
    await client.get('http://example.com/a');
    await client.get('http://example.com/a');
    assert.deepEqual(cookiesSeen, [null, null]);
  });

  test("credentials: 'omit' keeps the jar out of that request both ways; per-request cookies still go", async () => {
    const { client, cookiesSeen } = setup((url) =>
      url.pathname === '/login'
        ? setCookie('sid=abc; Path=/')
        : url.pathname === '/other'
          ? setCookie('other=1; Path=/')
          : new Response('ok'),
    );
    await client.get('http://example.com/login');
    await client.get('http://example.com/page', { credentials: 'omit' });
    await client.get('http://example.com/other', { credentials: 'omit', cookies: { own: 'x' } });
    await client.get('http://example.com/page');
    assert.deepEqual(cookiesSeen, [null, null, 'own=x', 'sid=abc']);
  });

  test('the plain fetch export keeps no jar (fetch semantics)', async () => {
    const seen: (string | null)[] = [];
    const transport = inlineTransport((req) => {
      seen.push(req.headers.get('cookie'));
      return setCookie('sid=abc');
    });
    const fetch = createDefaultFetch(() => transport);
    await fetch('http://example.com/a');
    await fetch('http://example.com/a');
    assert.deepEqual(seen, [null, null]);
  });

  test('a jar given by the user is used and exposed as client.cookies', async () => {
    const jar = new CookieJar();
    await jar.setCookie('pre=1', 'http://example.com/');
    const { client, cookiesSeen } = setup(() => setCookie('new=2'), { cookies: jar });
    assert.equal(client.cookies, jar);
    await client.get('http://example.com/');
    assert.deepEqual(cookiesSeen, ['pre=1']);
    assert.equal(await jar.getCookieString('http://example.com/'), 'pre=1; new=2');
  });

  test('a cookie set on client.cookies directly is sent', async () => {
    const { client, cookiesSeen } = setup(() => new Response('ok'));
    await client.get('http://example.com/');
    client.cookies?.setCookieSync('direct=1', 'http://example.com/');
    await client.get('http://example.com/');
    assert.deepEqual(cookiesSeen, [null, 'direct=1']);
  });

  test('a jar with an asynchronous store works', async () => {
    const jar = new CookieJar();
    const store = jar.store as { synchronous: boolean };
    store.synchronous = false;
    const { client, cookiesSeen } = setup((url) => (url.pathname === '/set' ? setCookie('a=1') : new Response('ok')), { cookies: jar });
    await client.get('http://example.com/set');
    await client.get('http://example.com/get');
    assert.deepEqual(cookiesSeen, [null, 'a=1']);
  });

  test('an empty jar is not consulted (no cost when idle)', async () => {
    const jar = new CookieJar();
    let lookups = 0;
    const original = jar.getCookieStringSync.bind(jar);
    jar.getCookieStringSync = ((...args: Parameters<CookieJar['getCookieStringSync']>) => {
      lookups++;
      return original(...args);
    }) as CookieJar['getCookieStringSync'];
    const { client } = setup((url) => (url.pathname === '/set' ? setCookie('a=1') : new Response('ok')), { cookies: jar });
    for (let i = 0; i < 5; i++) await client.get('http://example.com/idle');
    assert.equal(lookups, 0);
    await client.get('http://example.com/set');
    await client.get('http://example.com/after');
    assert.equal(lookups, 1);
  });
});

describe('cookie rules (tough-cookie)', () => {
  test('domain, path, Secure and expiry are honoured', async () => {
    const { client, cookiesSeen } = setup((url) =>
      url.pathname === '/set'
        ? setCookie('host=1', 'scoped=2; Path=/app', 'sec=3; Secure', 'gone=4; Max-Age=0', 'wide=5; Domain=example.com')
        : new Response('ok'),
    );
    await client.get('https://www.example.com/set');
    await client.get('https://www.example.com/app/x');
    await client.get('http://www.example.com/other');
    await client.get('https://api.example.com/');
    // RFC 6265 order: longer paths first; the Secure one only over https, the expired one never
    assert.deepEqual(cookiesSeen.slice(1), ['scoped=2; host=1; sec=3; wide=5', 'host=1; wide=5', 'wide=5']);
  });

  test('a cookie for a public suffix is rejected', async () => {
    const { client, cookiesSeen } = setup((url) =>
      url.pathname === '/set' ? setCookie('bad=1; Domain=co.uk', 'ok=1') : new Response('ok'),
    );
    await client.get('http://shop.example.co.uk/set');
    await client.get('http://other.co.uk/');
    await client.get('http://shop.example.co.uk/');
    assert.deepEqual(cookiesSeen, [null, null, 'ok=1']);
  });
});

describe('per-request cookies', () => {
  test('are sent besides the jar and an explicit Cookie header, and never stored', async () => {
    const { client, cookiesSeen } = setup((url) => (url.pathname === '/set' ? setCookie('jar=1') : new Response('ok')));
    await client.get('http://example.com/set');
    await client.get('http://example.com/a', { cookies: { extra: 'x', more: 'y' }, headers: { cookie: 'explicit=e' } });
    await client.get('http://example.com/b');
    assert.deepEqual(cookiesSeen, [null, 'explicit=e; jar=1; extra=x; more=y', 'jar=1']);
    assert.equal(await client.cookies?.getCookieString('http://example.com/'), 'jar=1');
  });

  test('work with cookies: false', async () => {
    const { client, cookiesSeen } = setup(() => new Response('ok'), { cookies: false });
    await client.get('http://example.com/a', { cookies: { only: 'me' } });
    assert.deepEqual(cookiesSeen, ['only=me']);
  });

  test('go to the origin of the request only, not to a redirect target elsewhere', async () => {
    const { client, cookiesSeen } = setup((url) => {
      if (url.pathname === '/a') return new Response(null, { status: 302, headers: { location: '/b' } });
      if (url.pathname === '/b') return new Response(null, { status: 302, headers: { location: 'http://other.example/c' } });
      return new Response('ok');
    });
    await client.get('http://example.com/a', { cookies: { extra: 'x' } });
    assert.deepEqual(cookiesSeen, ['extra=x', 'extra=x', null]);
  });
});

describe('redirect hops', () => {
  test('Set-Cookie of a redirect response is stored and the next hop carries it', async () => {
    const { client, cookiesSeen } = setup((url) => {
      if (url.pathname === '/login') {
        const headers = new Headers({ location: '/home' });
        headers.append('set-cookie', 'sid=s1; Path=/; HttpOnly');
        return new Response(null, { status: 302, headers });
      }
      if (url.pathname === '/home') return new Response(null, { status: 302, headers: { location: 'http://other.example/x' } });
      return new Response('ok');
    });
    const res = await client.post('http://example.com/login', { form: { user: 'u', pass: 'p' } });
    assert.equal(res.status, 200);
    assert.deepEqual(cookiesSeen, [null, 'sid=s1', null]);
  });

  test('the Cookie header is computed per hop: a cookie set mid-chain joins later hops', async () => {
    const { client, cookiesSeen } = setup((url) => {
      if (url.pathname === '/1') {
        const headers = new Headers({ location: '/2' });
        headers.append('set-cookie', 'one=1');
        return new Response(null, { status: 301, headers });
      }
      if (url.pathname === '/2') {
        const headers = new Headers({ location: '/3' });
        headers.append('set-cookie', 'two=2');
        return new Response(null, { status: 307, headers });
      }
      return new Response('ok');
    });
    await client.get('http://example.com/1');
    assert.deepEqual(cookiesSeen, [null, 'one=1', 'one=1; two=2']);
  });
});

describe('transports without cookie headers', () => {
  const caps = { cookieHeaders: false };

  test('an explicit jar is a CapabilityError at createClient, before any I/O', () => {
    const transport = inlineTransport(() => new Response('ok'), caps);
    assert.throws(
      () => createClient({ transport, cookies: new CookieJar() }),
      (e: unknown) => e instanceof CapabilityError && e.capability === 'cookieHeaders' && e.transport === 'inline',
    );
    assert.equal(transport.requests.length, 0);
  });

  test('cookies: true steps aside: no jar, Set-Cookie ignored', async () => {
    const { client, cookiesSeen } = setup(() => setCookie('a=1'), {}, caps);
    assert.equal(client.cookies, undefined);
    await client.get('http://example.com/');
    await client.get('http://example.com/');
    assert.deepEqual(cookiesSeen, [null, null]);
  });

  test('per-request cookies there are a CapabilityError', async () => {
    const { client, transport } = setup(() => new Response('ok'), {}, caps);
    await assert.rejects(client.get('http://example.com/', { cookies: { a: '1' } }), CapabilityError);
    assert.equal(transport.requests.length, 0);
  });
});

describe('the jar factory: injected by the Node, Deno and Bun entries, absent from the browser entry and ferry/core', () => {
  const login = (url: URL): Response => (url.pathname === '/login' ? setCookie('sid=abc; Path=/') : new Response('ok'));

  for (const [name, make] of [
    ['Node', createClient],
    ['Deno', createDenoEntryClient],
    ['Bun', createBunEntryClient],
  ] as const) {
    test(`the ${name} entry's createClient has a jar by default`, async () => {
      const transport = inlineTransport(() => setCookie('a=1'));
      const client = make({ transport });
      assert.ok(client.cookies instanceof CookieJar);
      assert.equal(client.config.cookies, true);
      await client.get('http://example.com/');
      await client.get('http://example.com/');
      assert.equal(transport.requests[1]?.headers.get('cookie'), 'a=1');
    });
  }

  for (const [name, make] of [
    ['the browser entry', createBrowserEntryClient],
    ['ferry/core', createCoreClient],
  ] as const) {
    test(`${name}: cookies left out on a cookie-capable transport means no jar`, async () => {
      const transport = inlineTransport((req) => login(new URL(req.url)));
      const client = make({ transport });
      assert.equal(client.cookies, undefined);
      assert.equal(client.config.cookies, false);
      await client.get('http://example.com/login');
      await client.get('http://example.com/page');
      assert.deepEqual(
        transport.requests.map((r) => r.headers.get('cookie')),
        [null, null],
      );
    });

    test(`${name}: an explicit cookies: true is an InvalidOptionError at createClient, before any I/O`, () => {
      const transport = inlineTransport(() => new Response('ok'));
      assert.throws(
        () => make({ transport, cookies: true }),
        (e: unknown) =>
          e instanceof InvalidOptionError &&
          e.code === 'ERR_INVALID_OPTION' &&
          e.option === 'cookies' &&
          e.message.includes('cookies: new CookieJar()') &&
          e.message.includes('tough-cookie'),
      );
      assert.equal(transport.requests.length, 0);
    });

    test(`${name}: an explicit CookieJar works as anywhere`, async () => {
      const jar = new CookieJar();
      const transport = inlineTransport((req) => login(new URL(req.url)));
      const client = make({ transport, cookies: jar });
      assert.equal(client.cookies, jar);
      await client.get('http://example.com/login');
      await client.get('http://example.com/page');
      assert.equal(transport.requests[1]?.headers.get('cookie'), 'sid=abc');
      assert.equal(await jar.getCookieString('http://example.com/'), 'sid=abc');
    });

    test(`${name}: on a transport without cookie headers (the browser's) cookies: true steps aside as before`, async () => {
      const transport = inlineTransport(() => setCookie('a=1'), { cookieHeaders: false });
      const client = make({ transport, cookies: true });
      assert.equal(client.cookies, undefined);
      await client.get('http://example.com/');
      await client.get('http://example.com/');
      assert.deepEqual(
        transport.requests.map((r) => r.headers.get('cookie')),
        [null, null],
      );
    });
  }

  test('withDefaultTransport(make, { createJar }) makes one jar per client with the factory, and only when one is needed', async () => {
    const made: CookieJar[] = [];
    const createJar = (): CookieJar => {
      const jar = new CookieJar();
      made.push(jar);
      return jar;
    };
    const transport = inlineTransport((req) => login(new URL(req.url)));
    const create = withDefaultTransport(() => transport, { createJar });
    const a = create();
    const b = create({ cookies: true });
    assert.deepEqual(made, [a.cookies, b.cookies]);
    assert.notEqual(a.cookies, b.cookies);
    create({ cookies: false });
    create({ cookies: new CookieJar() });
    create({ transport: inlineTransport(() => new Response('ok'), { cookieHeaders: false }) });
    assert.equal(made.length, 2);
    await a.get('http://example.com/login');
    assert.equal(await made[0]?.getCookieString('http://example.com/'), 'sid=abc');
  });

  test('the old call shapes still work: withDefaultTransport(make), createClient(options, make, { cookies })', async () => {
    const transport = inlineTransport(() => setCookie('a=1'));
    assert.equal(withDefaultTransport(() => transport)().cookies, undefined);
    assert.equal(createCoreClient({}, () => transport, { cookies: true }).cookies, undefined);
    assert.equal(createCoreClient({}, () => transport, { cookies: false }).cookies, undefined);
    const jar = createCoreClient({}, () => transport, { cookies: true, createJar: () => new CookieJar() }).cookies;
    assert.ok(jar instanceof CookieJar);
    assert.equal(createCoreClient({}, () => transport, { cookies: false, createJar: () => new CookieJar() }).cookies, undefined);
  });
});

test('a jar serialises to JSON and loads back (persistent sessions)', async () => {
  const first = setup((url) =>
    url.pathname === '/login' ? setCookie('sid=persist; Path=/; Max-Age=3600', 'pref=a; Path=/app') : new Response('ok'),
  );
  await first.client.get('http://example.com/login');
  const json = JSON.stringify(first.client.cookies?.toJSON());
  const jar = CookieJar.fromJSON(JSON.parse(json));
  const second = setup(() => new Response('ok'), { cookies: jar });
  await second.client.get('http://example.com/app/page');
  assert.deepEqual(second.cookiesSeen, ['pref=a; sid=persist']);
});
