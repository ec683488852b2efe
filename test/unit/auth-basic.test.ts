import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AuthScheme, basicAuth, bearer, createClient, InvalidOptionError } from '../../src/core/index.js';
import { auth, createRequest, deriveRequest } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const seen = () => inlineTransport((req) => new Response(req.headers.get('authorization') ?? 'none'));

describe('basicAuth', () => {
  test('sends Authorization: Basic base64(user:pass)', async () => {
    const transport = seen();
    const client = createClient({ transport, cookies: false, auth: basicAuth('Aladdin', 'open sesame') });
    const res = await client.get('http://example.com/x');
    assert.equal(await res.text(), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  test('is UTF-8 safe (RFC 7617 §2.1 test vector)', async () => {
    const transport = seen();
    const res = await createClient({ transport, cookies: false }).get('http://example.com/', { auth: basicAuth('test', '123£') });
    assert.equal(await res.text(), 'Basic dGVzdDoxMjPCow==');
    const res2 = await createClient({ transport, cookies: false }).get('http://example.com/', { auth: basicAuth('ütf', '密码') });
    const decoded = new TextDecoder().decode(Uint8Array.from(atob((await res2.text()).slice(6)), (c) => c.charCodeAt(0)));
    assert.equal(decoded, 'ütf:密码');
  });

  test('rejects bad input before any I/O', () => {
    assert.throws(() => basicAuth('a:b', 'c'), InvalidOptionError);
    assert.throws(() => basicAuth(1 as never, 'c'), InvalidOptionError);
    assert.throws(() => basicAuth('a', 'c', { origins: ['not a url'] }), InvalidOptionError);
  });

  test('per-request auth overrides the client, undefined scheme sends nothing', async () => {
    const transport = seen();
    const client = createClient({ transport, cookies: false, auth: basicAuth('a', 'b') });
    assert.equal(await (await client.get('http://example.com/', { auth: bearer('t') })).text(), 'Bearer t');
    assert.equal(await (await createClient({ transport, cookies: false }).get('http://example.com/')).text(), 'none');
  });
});

describe('bearer', () => {
  test('fixed token, sync and async producers, called once per hop', async () => {
    const transport = seen();
    let n = 0;
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get('http://example.com/', { auth: bearer('abc') })).text(), 'Bearer abc');
    assert.equal(await (await client.get('http://example.com/', { auth: bearer(() => `s${++n}`) })).text(), 'Bearer s1');
    const asyncToken = bearer(async () => `a${++n}`);
    assert.equal(await (await client.get('http://example.com/', { auth: asyncToken })).text(), 'Bearer a2');
    assert.equal(await (await client.get('http://example.com/', { auth: asyncToken })).text(), 'Bearer a3');
  });

  test('a token with CR/LF is an AuthError, nothing is sent', async () => {
    const transport = seen();
    const client = createClient({ transport, cookies: false, auth: bearer(() => 'x\r\ny: z') });
    await assert.rejects(
      client.get('http://example.com/p'),
      (e: Error & { code?: string }) => e.code === 'ERR_AUTH' && e.message.startsWith('GET http://example.com/p: '),
    );
    assert.equal(transport.requests.length, 0);
  });
});

describe('credentials in the URL', () => {
  test('become basic auth and leave the URL', async () => {
    const transport = inlineTransport((req) => Response.json({ url: req.url, authorization: req.headers.get('authorization') }));
    const res = await createClient({ transport, cookies: false }).get('http://us%40er:p%3Ass@example.com/a?b=1');
    const body = (await res.json()) as { url: string; authorization: string };
    assert.equal(body.url, 'http://example.com/a?b=1');
    assert.equal(body.authorization, `Basic ${btoa('us@er:p:ss')}`);
    assert.ok(!transport.requests[0]?.url.includes('p%3Ass'));
  });

  test('an explicit auth option or Authorization header wins over URL credentials, which still leave the URL', async () => {
    const transport = inlineTransport((req) => Response.json({ url: req.url, authorization: req.headers.get('authorization') }));
    const client = createClient({ transport, cookies: false });
    const a = (await (await client.get('http://u:p@example.com/', { auth: bearer('t') })).json()) as Record<string, string>;
    assert.deepEqual(a, { url: 'http://example.com/', authorization: 'Bearer t' });
    const b = (await (await client.get('http://u:p@example.com/', { headers: { authorization: 'Custom x' } })).json()) as Record<
      string,
      string
    >;
    assert.deepEqual(b, { url: 'http://example.com/', authorization: 'Custom x' });
  });

  test('never appear in validation messages (invalid URL, bad scheme, GET with a body, bad baseURL)', async () => {
    const client = createClient({ transport: seen(), cookies: false });
    const attempts: Promise<unknown>[] = [
      client.get('http://user:hunter2@exa mple.com/'),
      client.get('ftp://user:hunter2@example.com/'),
      client.get('http://user:hunter2@example.com/', { body: 'x' }),
    ];
    for (const attempt of attempts)
      await assert.rejects(attempt, (e: Error) => {
        assert.ok(e instanceof InvalidOptionError);
        assert.ok(!e.message.includes('hunter2'), e.message);
        return true;
      });
    assert.throws(
      () => createClient({ transport: seen(), baseURL: 'http://user:hunter2@exa mple.com/' }),
      (e: Error) => e instanceof InvalidOptionError && !e.message.includes('hunter2'),
    );
  });

  test('never appear in error messages', async () => {
    const transport = inlineTransport(() => {
      throw new Error('boom');
    });
    const client = createClient({ transport, cookies: false, throwHttpErrors: true });
    await assert.rejects(client.get('http://user:hunter2@example.com/x'), (e: Error) => !e.message.includes('hunter2'));
    const t2 = inlineTransport(() => new Response('no', { status: 500 }));
    await assert.rejects(
      createClient({ transport: t2, cookies: false, throwHttpErrors: true }).get('http://user:hunter2@example.com/x'),
      (e: Error) => {
        assert.ok(!e.message.includes('hunter2'), e.message);
        assert.ok(e.message.includes('http://example.com/x'), e.message);
        return true;
      },
    );
  });
});

describe('auth middleware: origin scoping', () => {
  test('a hop to another origin gets no credentials; listed origins do', async () => {
    const transport = seen();
    const client = createClient({ transport, cookies: false });
    const scheme = basicAuth('a', 'b', { origins: ['http://api.example.com:8080/any/path'] });
    const state: Record<string, unknown> = {};
    // Drive two hops through the same context, as the redirects middleware does.
    const mw = auth();
    const ctx = { options: { ...client.config.shared, auth: scheme }, signal: undefined, events: undefined as never, transport, state };
    const next = (r: Request) => transport.send(r, ctx as never);
    const hop = (url: string) => mw(createRequest({ url: new URL(url), method: 'GET', headers: [], body: null }), next, ctx as never);
    assert.match(await (await hop('http://example.com/start')).text(), /^Basic /);
    assert.equal(await (await hop('http://other.example.com/')).text(), 'none');
    assert.equal(await (await hop('https://example.com/start')).text(), 'none', 'another scheme is another origin');
    assert.match(await (await hop('http://api.example.com:8080/z')).text(), /^Basic /);
    assert.match(await (await hop('http://example.com/again')).text(), /^Basic /);
  });

  test('a flow that yields a follow-up resends a replayable body and discards the challenge', async () => {
    let cancelled = 0;
    const bodies: string[] = [];
    const transport = inlineTransport(async (req) => {
      bodies.push(await req.text());
      if (!req.headers.has('authorization')) return new Response(new ReadableStream({ cancel: () => void cancelled++ }), { status: 401 });
      return new Response('ok');
    });
    const challenge: AuthScheme = {
      scheme: 'test',
      async *flow(request) {
        const res = yield deriveRequest(request, {});
        if (res.status === 401) {
          yield deriveRequest(request, { headers: [['authorization', 'X']] });
        }
      },
    };
    const client = createClient({ transport, cookies: false, auth: challenge });
    const res = await client.post('http://example.com/', { body: 'payload' });
    assert.equal(res.status, 200);
    assert.deepEqual(bodies, ['payload', 'payload']);
    assert.equal(cancelled, 1);
    // A one-shot body is not resent: the challenge response comes back unchanged.
    bodies.length = 0;
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('once'));
        c.close();
      },
    });
    const res2 = await client.post('http://example.com/', { body: stream });
    assert.equal(res2.status, 401);
    assert.deepEqual(bodies, ['once']);
  });
});

describe('auth middleware: bounds and options', () => {
  test('auth: [user, pass] is basic auth; anything else is rejected before I/O', async () => {
    const transport = seen();
    const client = createClient({ transport, cookies: false, auth: ['Aladdin', 'open sesame'] });
    assert.equal(await (await client.get('http://example.com/')).text(), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    assert.equal(await (await client.get('http://example.com/', { auth: ['a', 'b'] })).text(), `Basic ${btoa('a:b')}`);
    assert.throws(() => createClient({ transport, auth: ['only-one'] as never }), InvalidOptionError);
  });

  test('auth(scheme) as a user middleware', async () => {
    const transport = seen();
    const client = createClient({ transport, cookies: false, middleware: [auth(bearer('fixed'))] });
    assert.equal(await (await client.get('http://example.com/')).text(), 'Bearer fixed');
  });

  test('a flow that never stops asking is cut off after a bounded number of rounds', async () => {
    const transport = inlineTransport(() => new Response('again', { status: 401 }));
    const greedy: AuthScheme = {
      scheme: 'greedy',
      async *flow(request) {
        for (;;) yield deriveRequest(request, {});
      },
    };
    const res = await createClient({ transport, cookies: false, auth: greedy }).get('http://example.com/');
    assert.equal(res.status, 401);
    assert.equal(transport.requests.length, 5);
  });

  test('a flow that throws after a response releases that response and rejects', async () => {
    let cancelled = 0;
    const transport = inlineTransport(() => new Response(new ReadableStream({ cancel: () => void cancelled++ }), { status: 401 }));
    const failing: AuthScheme = {
      scheme: 'failing',
      async *flow(request) {
        yield deriveRequest(request, {});
        throw new Error('cannot answer');
      },
    };
    await assert.rejects(createClient({ transport, cookies: false, auth: failing }).get('http://example.com/'), /cannot answer/);
    assert.equal(cancelled, 1);
  });
});
