import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createClient,
  FerryResponse,
  isFerryError,
  RedirectError,
  type RedirectPolicy,
  TooManyRedirectsError,
} from '../../src/core/index.js';
import { requestParts } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

type Handler = (url: URL, request: Request) => Response | Promise<Response>;

function redirect(status: number, location: string, headers: Record<string, string> = {}): Response {
  return new Response(`moved to ${location}`, { status, headers: { location, ...headers } });
}

/** Reads the request body (as a server would) before answering. */
async function drained(request: Request, response: Response): Promise<Response> {
  await request.text();
  return response;
}

/** What the last hop saw, as JSON. */
async function echo(request: Request): Promise<Response> {
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const body = request.body ? await request.text() : null;
  return Response.json({ method: request.method, url: request.url, headers, body });
}

function setup(handler: Handler, options: Parameters<typeof createClient>[0] = {}, caps = {}) {
  const transport = inlineTransport((req) => handler(new URL(req.url), req), caps);
  const client = createClient({ transport, cookies: false, ...options });
  return { transport, client };
}

interface Expect {
  readonly followed: boolean;
  readonly method?: string;
  readonly body?: boolean;
}

// The expected outcome, written out independently of the implementation.
function expected(policy: RedirectPolicy, status: number, method: string): Expect {
  const hasBody = method !== 'GET' && method !== 'HEAD';
  if (status === 303)
    return method === 'HEAD' ? { followed: true, method: 'HEAD', body: false } : { followed: true, method: 'GET', body: false };
  if (status === 307 || status === 308) return { followed: true, method, body: hasBody };
  if (policy === 'strict') return method === 'GET' || method === 'HEAD' ? { followed: true, method, body: false } : { followed: false };
  if (method === 'POST') return { followed: true, method: 'GET', body: false };
  return { followed: true, method, body: hasBody };
}

describe('redirect status × method × policy', () => {
  for (const policy of ['browser', 'strict'] as const) {
    for (const status of [301, 302, 303, 307, 308]) {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        const want = expected(policy, status, method);
        const label = want.followed ? `${want.method}${want.body ? ' with body' : ''}` : 'not followed';
        test(`${policy} ${status} ${method} → ${label}`, async () => {
          const { client, transport } = setup(async (url, req) => (url.pathname === '/start' ? redirect(status, '/end') : echo(req)), {
            redirectPolicy: policy,
          });
          const hasBody = method !== 'GET' && method !== 'HEAD';
          const res = await client.request(method, 'http://example.com/start', {
            ...(hasBody ? { body: 'payload', headers: { 'content-type': 'text/x-test', 'content-language': 'en' } } : {}),
          });
          if (!want.followed) {
            assert.equal(res.status, status);
            assert.equal(transport.requests.length, 1);
            assert.equal(res.history.length, 0);
            return;
          }
          assert.equal(transport.requests.length, 2);
          assert.equal(res.status, 200);
          assert.equal(res.redirected, true);
          assert.equal(res.url, 'http://example.com/end');
          const second = transport.requests[1] as Request;
          assert.equal(second.method, want.method);
          if (want.method === 'HEAD') return;
          const seen = (await res.json()) as { method: string; body: string | null; headers: Record<string, string> };
          assert.equal(seen.body, want.body ? 'payload' : null);
          if (hasBody && !want.body) {
            // the method changed to GET: body and Content-* headers are gone
            assert.equal(seen.headers['content-type'], undefined);
            assert.equal(seen.headers['content-language'], undefined);
          }
          if (want.body) assert.equal(seen.headers['content-type'], 'text/x-test');
        });
      }
    }
  }
});

describe('history', () => {
  test('history is oldest first, each entry with its request; previous, url, redirected', async () => {
    const { client } = setup((url, req) => {
      if (url.pathname === '/a') return redirect(301, '/b');
      if (url.pathname === '/b') return redirect(302, 'http://example.com/c');
      return echo(req);
    });
    const res = await client.get('http://example.com/a');
    assert.ok(res instanceof FerryResponse);
    assert.deepEqual(
      res.history.map((r) => [r.status, r.url, r.request?.url]),
      [
        [301, 'http://example.com/a', 'http://example.com/a'],
        [302, 'http://example.com/b', 'http://example.com/b'],
      ],
    );
    assert.equal(res.previous, res.history[1]);
    assert.equal(res.previous?.previous, res.history[0]);
    assert.equal(res.history[0]?.previous, undefined);
    assert.equal(res.url, 'http://example.com/c');
    assert.equal(res.request?.url, 'http://example.com/c');
    assert.equal(res.redirected, true);
  });

  test('a response that was not redirected has an empty history', async () => {
    const { client } = setup((_url, req) => echo(req));
    const res = await client.get('http://example.com/x');
    assert.deepEqual(res.history, []);
    assert.equal(res.redirected, false);
    assert.equal(res.previous, undefined);
  });

  test('every intermediate body is released', async () => {
    const cancelled: string[] = [];
    const { client } = setup((url, req) => {
      if (url.pathname === '/end') return echo(req);
      const body = new ReadableStream({
        pull(c) {
          c.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        },
        cancel() {
          cancelled.push(url.pathname);
        },
      });
      return new Response(body, { status: 302, headers: { location: url.pathname === '/a' ? '/b' : '/end' } });
    });
    const res = await client.get('http://example.com/a');
    assert.equal(res.status, 200);
    await res.text();
    assert.deepEqual(cancelled, ['/a', '/b']);
  });

  test('a 3xx without Location comes back as it is, with the history so far', async () => {
    const { client } = setup((url) => (url.pathname === '/a' ? redirect(302, '/b') : new Response('no location', { status: 302 })));
    const res = await client.get('http://example.com/a');
    assert.equal(res.status, 302);
    assert.equal(res.history.length, 1);
    assert.equal(await res.text(), 'no location');
  });

  test('300 and 304 are not followed, and pass through untouched', async () => {
    for (const status of [300, 304]) {
      const { client, transport } = setup(() => new Response(null, { status, headers: { location: '/elsewhere' } }));
      const res = await client.get('http://example.com/a');
      assert.equal(res.status, status);
      assert.equal(transport.requests.length, 1);
    }
  });
});

describe('limits and modes', () => {
  test('maxRedirects: more hops reject with TooManyRedirectsError carrying every response', async () => {
    let n = 0;
    const { client, transport } = setup(() => redirect(302, `/hop${++n}`), { maxRedirects: 3 });
    const error = await client.get('http://example.com/start').catch((e) => e);
    assert.ok(error instanceof TooManyRedirectsError);
    assert.equal(error.code, 'ERR_TOO_MANY_REDIRECTS');
    assert.equal(transport.requests.length, 4);
    assert.equal(error.history.length, 4);
    assert.deepEqual(
      error.history.map((r: Response) => r.url),
      ['http://example.com/start', 'http://example.com/hop1', 'http://example.com/hop2', 'http://example.com/hop3'],
    );
    assert.match(error.message, /^GET http:\/\/example\.com\/hop3: more than 3 redirects/);
  });

  test('a loop ends at the default limit (20)', async () => {
    const { client, transport } = setup(() => redirect(302, '/loop'));
    const error = await client.get('http://example.com/loop').catch((e) => e);
    assert.ok(error instanceof TooManyRedirectsError);
    assert.equal(transport.requests.length, 21);
  });

  test('maxRedirects: 0 refuses the first redirect; per request it overrides the client', async () => {
    const { client, transport } = setup((url, req) => (url.pathname === '/a' ? redirect(302, '/b') : echo(req)));
    await assert.rejects(client.get('http://example.com/a', { maxRedirects: 0 }), TooManyRedirectsError);
    assert.equal((await client.get('http://example.com/a')).status, 200);
    assert.equal(transport.requests.length, 3);
  });

  test("redirect: 'manual' returns the 3xx; 'error' rejects with RedirectError; per request", async () => {
    const { client, transport } = setup((url, req) => (url.pathname === '/a' ? redirect(302, '/b') : echo(req)), { redirect: 'manual' });
    const manual = await client.get('http://example.com/a');
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.get('location'), '/b');
    assert.equal(await manual.text(), 'moved to /b');
    const error = await client.get('http://example.com/a', { redirect: 'error' }).catch((e) => e);
    assert.ok(error instanceof RedirectError);
    assert.equal(error.code, 'ERR_REDIRECT');
    assert.equal(error.response?.status, 302);
    assert.equal((await client.get('http://example.com/a', { redirect: 'follow' })).status, 200);
    assert.equal(transport.requests.length, 4);
  });

  test("a Request's own redirect mode is honoured (fetch fidelity)", async () => {
    const { client } = setup((url, req) => (url.pathname === '/a' ? redirect(301, '/b') : echo(req)));
    const res = await client.fetch(new Request('http://example.com/a', { redirect: 'manual' }));
    assert.equal(res.status, 301);
    await assert.rejects(client.fetch(new Request('http://example.com/a', { redirect: 'error' })), RedirectError);
  });

  test('without manualRedirects the middleware steps aside (the platform follows natively)', async () => {
    const { client, transport } = setup(
      (url, req) => (url.pathname === '/a' ? redirect(302, '/b') : echo(req)),
      {},
      { manualRedirects: false },
    );
    const res = await client.get('http://example.com/a');
    assert.equal(res.status, 302);
    assert.equal(transport.requests.length, 1);
    assert.equal(res.history.length, 0);
  });
});

describe('bodies', () => {
  test('Content-* headers go only when the method changes', async () => {
    const { client } = setup((url, req) => (url.pathname === '/a' ? redirect(302, '/b') : echo(req)));
    const res = await client.get('http://example.com/a', { headers: { 'content-language': 'en' } });
    assert.equal(((await res.json()) as { headers: Record<string, string> }).headers['content-language'], 'en');
  });

  test('a 307 resends a replayable body; a () => body producer is called again', async () => {
    let calls = 0;
    const { client } = setup(async (url, req) => (url.pathname === '/a' ? drained(req, redirect(307, '/b')) : echo(req)));
    const res = await client.post('http://example.com/a', { body: () => `call ${++calls}` });
    const seen = (await res.json()) as { body: string };
    assert.equal(seen.body, 'call 2');
    assert.equal(calls, 2);
  });

  test('Blob, bytes, URLSearchParams and FormData bodies are resent whole on 308', async () => {
    const form = new FormData();
    form.append('f', 'v');
    const bodies = [new Blob(['blob-body']), new TextEncoder().encode('bytes-body'), new URLSearchParams({ q: 'p' }), form];
    for (const body of bodies) {
      const sent: string[] = [];
      const { client } = setup(async (url, req) => {
        sent.push(await req.text());
        return url.pathname === '/a' ? redirect(308, '/b') : new Response('ok');
      });
      const res = await client.put('http://example.com/a', { body });
      assert.equal(res.status, 200);
      assert.equal(sent.length, 2);
      assert.equal(sent[1], sent[0]);
      assert.ok((sent[0] as string).length > 0);
    }
  });

  test('a one-shot stream body is never resent: the 307 comes back', async () => {
    const { client, transport } = setup(async (url, req) => (url.pathname === '/a' ? drained(req, redirect(307, '/b')) : echo(req)));
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('once'));
        c.close();
      },
    });
    const res = await client.post('http://example.com/a', { body: stream });
    assert.equal(res.status, 307);
    assert.equal(transport.requests.length, 1);
  });

  test('a one-shot body under 303 is followed as a body-less GET', async () => {
    const { client } = setup(async (url, req) => (url.pathname === '/a' ? drained(req, redirect(303, '/b')) : echo(req)));
    async function* gen() {
      yield 'once';
    }
    const res = await client.post('http://example.com/a', { body: gen() });
    const seen = (await res.json()) as { method: string; body: string | null };
    assert.deepEqual([seen.method, seen.body], ['GET', null]);
  });
});

describe('security', () => {
  const credentials = {
    authorization: 'Bearer secret',
    cookie: 'sid=1',
    'proxy-authorization': 'Basic cHJveHk=',
    'x-api-key': 'k',
    'x-other': 'kept',
  };

  async function hop(from: string, to: string, extra: Parameters<typeof createClient>[0] = {}) {
    const { client } = setup((url, req) => (url.href === from ? redirect(302, to) : echo(req)), {
      sensitiveHeaders: ['X-Api-Key'],
      ...extra,
    });
    const res = await client.get(from, { headers: credentials });
    return ((await res.json()) as { headers: Record<string, string> }).headers;
  }

  const dropped = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key'];

  test('a cross-origin hop (other port) drops Authorization, Cookie, Proxy-Authorization and sensitiveHeaders', async () => {
    const seen = await hop('http://example.com/a', 'http://example.com:8080/b');
    for (const name of dropped) assert.equal(seen[name], undefined, name);
    assert.equal(seen['x-other'], 'kept');
  });

  test('a cross-origin hop (other host) drops them', async () => {
    const seen = await hop('http://example.com/a', 'http://other.example/b');
    for (const name of dropped) assert.equal(seen[name], undefined, name);
  });

  test('an https→http downgrade on the same host drops them', async () => {
    const seen = await hop('https://example.com/a', 'http://example.com/b');
    for (const name of dropped) assert.equal(seen[name], undefined, name);
  });

  test('a same-origin hop keeps them', async () => {
    const seen = await hop('http://example.com/a', '/b');
    for (const name of dropped) assert.ok(seen[name], name);
  });

  test('http→https on the same host and default ports keeps them (an upgrade)', async () => {
    const seen = await hop('http://example.com/a', 'https://example.com/b');
    for (const name of dropped) assert.ok(seen[name], name);
  });

  test('http→https on another port is a new origin', async () => {
    const seen = await hop('http://example.com/a', 'https://example.com:8443/b');
    for (const name of dropped) assert.equal(seen[name], undefined, name);
  });

  test('sensitiveHeaders given per request apply', async () => {
    const { client } = setup((url, req) => (url.pathname === '/a' ? redirect(302, 'http://other.example/b') : echo(req)));
    const res = await client.get('http://example.com/a', { headers: { 'x-secret': 's', 'x-other': 'o' }, sensitiveHeaders: ['x-secret'] });
    const seen = ((await res.json()) as { headers: Record<string, string> }).headers;
    assert.equal(seen['x-secret'], undefined);
    assert.equal(seen['x-other'], 'o');
  });

  test('credentials dropped on the way out do not come back on the way home', async () => {
    const { client } = setup((url, req) => {
      if (url.href === 'http://example.com/a') return redirect(302, 'http://other.example/b');
      if (url.href === 'http://other.example/b') return redirect(302, 'http://example.com/c');
      return echo(req);
    });
    const res = await client.get('http://example.com/a', { headers: credentials });
    const seen = ((await res.json()) as { headers: Record<string, string> }).headers;
    assert.equal(seen.authorization, undefined);
    assert.equal(res.url, 'http://example.com/c');
  });

  test('a Host header set by the user is dropped on a cross-origin hop', async () => {
    const { client } = setup((url, req) => (url.pathname === '/a' ? redirect(302, 'http://other.example/b') : echo(req)));
    const res = await client.get('http://example.com/a', { headers: { host: 'example.com' } });
    assert.equal(((await res.json()) as { headers: Record<string, string> }).headers.host, undefined);
  });

  for (const location of [
    'file:///etc/passwd',
    'data:text/plain,hi',
    'ftp://example.com/x',
    'javascript:alert(1)',
    'http+unix://%2Fsock/x',
  ]) {
    test(`a redirect to ${location.split(':')[0]}: is refused with RedirectError`, async () => {
      const { client, transport } = setup(() => redirect(302, location));
      const error = await client.get('http://example.com/a').catch((e) => e);
      assert.ok(error instanceof RedirectError, String(error));
      assert.ok(isFerryError(error));
      assert.match(error.message, /refused scheme/);
      assert.equal(transport.requests.length, 1);
    });
  }

  test('a Location with credentials: refused across origins, stripped (never used) on the same origin', async () => {
    const cross = setup(() => redirect(302, 'http://user:pw@other.example/x'));
    await assert.rejects(
      cross.client.get('http://example.com/a'),
      (e: unknown) => e instanceof RedirectError && /credentials/.test(e.message),
    );
    const same = setup((url, req) => (url.pathname === '/a' ? redirect(302, 'http://user:pw@example.com/b') : echo(req)));
    const res = await same.client.get('http://example.com/a');
    assert.equal(res.url, 'http://example.com/b');
    assert.equal(((await res.json()) as { headers: Record<string, string> }).headers.authorization, undefined);
  });

  test('a Location that does not parse is a RedirectError', async () => {
    const { client } = setup(() => redirect(302, 'http://[::1'));
    const error = await client.get('http://example.com/a').catch((e) => e);
    assert.ok(error instanceof RedirectError);
    assert.match(error.message, /^GET http:\/\/example\.com\/a: redirect 302 to a Location that does not parse/);
  });
});

describe('Location resolution', () => {
  for (const [location, want] of [
    ['next', 'http://example.com/dir/next'],
    ['../up', 'http://example.com/up'],
    ['?q=1', 'http://example.com/dir/page?q=1'],
    ['//other.example/x', 'http://other.example/x'],
    ['/abs', 'http://example.com/abs'],
  ] as const) {
    test(`relative Location ${location} resolves against the current URL`, async () => {
      const { client } = setup((url, req) => (url.pathname === '/dir/page' && url.search === '' ? redirect(302, location) : echo(req)));
      const res = await client.get('http://example.com/dir/page');
      assert.equal(res.url, want);
    });
  }

  test('fragments: a Location without one inherits the current one; its own wins', async () => {
    const { client, transport } = setup((url, req) => {
      if (url.pathname === '/a') return redirect(302, '/b#first');
      if (url.pathname === '/b') return redirect(302, '/c');
      if (url.pathname === '/c') return redirect(302, '/d#second');
      return echo(req);
    });
    const res = await client.get('http://example.com/a');
    assert.deepEqual(
      transport.requests.map((r) => requestParts(r).url.hash),
      ['', '#first', '#first', '#second'],
    );
    assert.equal(res.url, 'http://example.com/d#second');
  });
});
