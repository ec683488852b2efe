import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { delay, graphql, HttpResponse, http, passthrough } from 'msw';
import { createClient, InvalidOptionError, isFerryError, TransportError } from '../../src/core/index.js';
import { responseSetCookies } from '../../src/core/kit.js';
import { createMockTransport } from '../../src/transports/mock/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const api = 'http://api.example.com';

describe('mock transport: msw handlers', () => {
  test('answers from http handlers and records method, URL, headers and body', async () => {
    const transport = createMockTransport([
      http.get(`${api}/user/:id`, ({ params, request }) => HttpResponse.json({ id: params.id, who: request.headers.get('x-who') })),
      http.post(`${api}/user`, async ({ request }) => HttpResponse.json(await request.json(), { status: 201 })),
    ]);
    const client = createClient({ transport, cookies: false });
    const got = await client.get(`${api}/user/7`, { headers: { 'x-who': 'ann' }, params: { q: 'a b' } });
    assert.equal(got.status, 200);
    assert.deepEqual(await got.json(), { id: '7', who: 'ann' });
    assert.equal(got.url, `${api}/user/7?q=a+b`);
    assert.equal(got.request?.method, 'GET');

    const created = await client.post(`${api}/user`, { json: { name: 'ann' } });
    assert.equal(created.status, 201);
    assert.deepEqual(await created.json(), { name: 'ann' });

    assert.equal(transport.requests.length, 2);
    const [first, second] = transport.requests;
    assert.equal(first?.method, 'GET');
    assert.equal(first?.url, `${api}/user/7?q=a+b`);
    assert.equal(first?.headers.get('x-who'), 'ann');
    assert.equal(first?.body, null);
    assert.equal(second?.method, 'POST');
    assert.deepEqual(second?.json(), { name: 'ann' });
    assert.equal(second?.text(), '{"name":"ann"}');
    assert.match(second?.headers.get('content-type') ?? '', /application\/json/);
  });

  test('graphql handlers', async () => {
    const transport = createMockTransport([
      graphql.query('GetUser', ({ variables }) => HttpResponse.json({ data: { user: { id: variables.id, name: 'Ann' } } })),
    ]);
    const client = createClient({ transport, cookies: false });
    const res = await client.post(`${api}/graphql`, {
      json: { query: 'query GetUser($id: ID!) { user(id: $id) { id name } }', variables: { id: '1' } },
    });
    assert.deepEqual(await res.json(), { data: { user: { id: '1', name: 'Ann' } } });
  });

  test('an unmatched request rejects with a TransportError naming method and URL', async () => {
    const transport = createMockTransport([http.get(`${api}/known`, () => HttpResponse.text('ok'))]);
    const client = createClient({ transport, cookies: false });
    await assert.rejects(client.delete(`${api}/unknown?x=1`), (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.ok(isFerryError(e));
      assert.equal((e as TransportError).code, 'ERR_MOCK_UNHANDLED');
      assert.equal((e as Error).message, `DELETE ${api}/unknown?x=1: no mock handler matched`);
      return true;
    });
    assert.equal(transport.requests.length, 1, 'an unmatched request is recorded too, and not retried');
  });

  test('onUnhandled: a transport gets unmatched and passthrough() requests, body included', async () => {
    const real = inlineTransport(async (request) => new Response(`real ${request.method} ${await request.text()}`));
    const transport = createMockTransport([http.post(`${api}/through`, () => passthrough())], { onUnhandled: real });
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get(`${api}/nowhere`)).text(), 'real GET ');
    assert.equal(await (await client.post(`${api}/through`, { body: 'payload' })).text(), 'real POST payload');
    assert.equal(real.requests.length, 2);
    assert.equal(transport.requests.length, 2);
  });

  test('passthrough() without onUnhandled is an error, not a 302', async () => {
    const transport = createMockTransport([http.get(`${api}/p`, () => passthrough())]);
    const client = createClient({ transport, cookies: false });
    await assert.rejects(client.get(`${api}/p`), /GET http:\/\/api\.example\.com\/p: passthrough\(\) with no onUnhandled transport/);
  });

  test('HttpResponse.error() becomes a TransportError (ERR_NETWORK), which retry treats as a network failure', async () => {
    let calls = 0;
    const transport = createMockTransport([
      http.get(`${api}/flaky`, () => {
        calls++;
        return calls === 1 ? HttpResponse.error() : HttpResponse.text('second time');
      }),
      http.get(`${api}/down`, () => HttpResponse.error()),
    ]);
    const client = createClient({ transport, cookies: false, retry: 0 });
    await assert.rejects(client.get(`${api}/down`), (e: unknown) => {
      assert.ok(e instanceof TransportError);
      assert.ok(e instanceof TypeError, 'like fetch: a TypeError');
      assert.equal((e as TransportError).code, 'ERR_NETWORK');
      assert.equal((e as Error).message, `GET ${api}/down: network error (mocked)`);
      return true;
    });
    await assert.rejects(client.get(`${api}/flaky`), TransportError);
    assert.equal(await (await client.get(`${api}/flaky`)).text(), 'second time');
  });

  test('set-cookie and other headers of the mocked response are readable', async () => {
    const transport = createMockTransport([
      http.get(
        `${api}/login`,
        () =>
          new HttpResponse(null, {
            status: 204,
            headers: [
              ['set-cookie', 'a=1'],
              ['set-cookie', 'b=2'],
              ['x-n', '3'],
            ],
          }),
      ),
    ]);
    const res = await createClient({ transport, cookies: false }).get(`${api}/login`);
    assert.equal(res.status, 204);
    assert.deepEqual(responseSetCookies(res), ['a=1', 'b=2']);
    assert.equal(res.headers.get('x-n'), '3');
  });

  test('a HEAD answer has no body, whatever the handler returned', async () => {
    const transport = createMockTransport([http.head(`${api}/h`, () => HttpResponse.text('ignored', { headers: { 'x-h': '1' } }))]);
    const res = await createClient({ transport, cookies: false }).head(`${api}/h`);
    assert.equal(res.headers.get('x-h'), '1');
    assert.equal(res.body, null);
    assert.equal(await res.text(), '');
  });

  test('use() puts handlers in front; reset() forgets them and the records', async () => {
    const transport = createMockTransport([http.get(`${api}/v`, () => HttpResponse.text('base'))]);
    const client = createClient({ transport, cookies: false });
    transport.use(http.get(`${api}/v`, () => HttpResponse.text('override')));
    assert.equal(await (await client.get(`${api}/v`)).text(), 'override');
    transport.reset();
    assert.equal(transport.requests.length, 0);
    assert.equal(await (await client.get(`${api}/v`)).text(), 'base');
  });
});

describe('mock transport: plain functions', () => {
  test('a function (like a Hono app.fetch) answers; undefined means unhandled', async () => {
    const app = {
      fetch: async (request: Request): Promise<Response | undefined> => {
        const url = new URL(request.url);
        if (url.pathname === '/echo') return new Response(await request.text(), { headers: { 'x-method': request.method } });
        return undefined;
      },
    };
    const transport = createMockTransport(app.fetch);
    const client = createClient({ transport, cookies: false });
    const res = await client.put(`${api}/echo`, { body: 'hello' });
    assert.equal(await res.text(), 'hello');
    assert.equal(res.headers.get('x-method'), 'PUT');
    await assert.rejects(client.get(`${api}/other`), { code: 'ERR_MOCK_UNHANDLED' });
  });

  test('functions and msw handlers mix, in order', async () => {
    const transport = createMockTransport([
      (request) => (request.headers.has('x-fn') ? new Response('fn') : undefined),
      http.get(`${api}/m`, () => HttpResponse.text('msw')),
    ]);
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get(`${api}/m`, { headers: { 'x-fn': '1' } })).text(), 'fn');
    assert.equal(await (await client.get(`${api}/m`)).text(), 'msw');
  });

  test('a streamed request body is read whole and recorded', async () => {
    const transport = createMockTransport(async (request) => new Response(String((await request.arrayBuffer()).byteLength)));
    const client = createClient({ transport, cookies: false });
    async function* parts(): AsyncGenerator<string> {
      yield 'ab';
      yield 'cd';
    }
    const res = await client.post(`${api}/upload`, { body: parts() });
    assert.equal(await res.text(), '4');
    assert.equal(transport.requests[0]?.text(), 'abcd');
  });

  test('bad handlers are refused before any request', () => {
    assert.throws(() => createMockTransport([42 as never]), InvalidOptionError);
    assert.throws(() => createMockTransport('x' as never), InvalidOptionError);
    assert.throws(() => createMockTransport([], { onUnhandled: 'ignore' as never }), InvalidOptionError);
  });
});

describe('mock transport: timing, streams and aborts', () => {
  test('delays work and an abort during a delay rejects with exactly signal.reason', async () => {
    const transport = createMockTransport([
      http.get(`${api}/slow`, async () => {
        await delay(20);
        return HttpResponse.text('late');
      }),
      http.get(`${api}/never`, async () => {
        await delay('infinite');
        return HttpResponse.text('never');
      }),
    ]);
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get(`${api}/slow`)).text(), 'late');
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = client.get(`${api}/never`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(pending, (e: unknown) => e === reason);
  });

  test('streamed responses arrive chunk by chunk; an abort mid-body errors the stream with signal.reason', async () => {
    const encoder = new TextEncoder();
    const transport = createMockTransport([
      http.get(`${api}/stream`, () => {
        let n = 0;
        const stream = new ReadableStream<Uint8Array>({
          async pull(c) {
            await delay(5);
            if (n === 3) c.close();
            else c.enqueue(encoder.encode(`chunk${n++};`));
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'text/plain' } });
      }),
      http.get(`${api}/endless`, () => new HttpResponse(new ReadableStream({ pull: (c) => c.enqueue(encoder.encode('x')) }))),
    ]);
    const client = createClient({ transport, cookies: false });
    const res = await client.get(`${api}/stream`);
    const seen: string[] = [];
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) seen.push(decoder.decode(chunk));
    assert.equal(seen.join(''), 'chunk0;chunk1;chunk2;');
    assert.ok(seen.length >= 2, 'more than one chunk');

    const controller = new AbortController();
    const reason = new Error('enough');
    const endless = await client.get(`${api}/endless`, { signal: controller.signal });
    const reader = (endless.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort(reason);
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 10_000; i++) if ((await reader.read()).done) return;
      })(),
      (e: unknown) => e === reason,
    );
  });

  test('capabilities: what core handles itself is on (upgrade headers are recorded); proxy, TLS, sockets, h2 are off; overridable', () => {
    const t = createMockTransport([]);
    assert.equal(t.name, 'mock');
    assert.deepEqual(
      { ...t.capabilities },
      {
        manualRedirects: true,
        cookieHeaders: true,
        rawBody: true,
        streamingUpload: true,
        proxy: false,
        tls: false,
        unixSocket: false,
        http2: false,
        websocketHeaders: true,
        expectContinue: false,
      },
    );
    const browserLike = createMockTransport([], { capabilities: { manualRedirects: false, cookieHeaders: false } });
    assert.equal(browserLike.capabilities.manualRedirects, false);
    assert.equal(browserLike.capabilities.rawBody, true);
  });
});

describe('mock transport: msw is optional', () => {
  test('a function handler never loads msw (a resolve hook refusing msw proves it)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const hook = `export async function resolve(s, c, n) { if (s === 'msw' || s.startsWith('msw/')) throw new Error('msw was loaded'); return n(s, c); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const script = `
      import { createClient } from './src/core/index.ts';
      import { createMockTransport } from './src/transports/mock/index.ts';
      const transport = createMockTransport((request) => new Response('fn ' + new URL(request.url).pathname));
      const res = await createClient({ transport }).get('https://api.example.com/x');
      console.log(await res.text());
      try { await import('msw'); } catch (e) { console.log(e.message); }`;
    const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script],
      {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, 'fn /x\nmsw was loaded\n', 'the request worked without msw; the hook would have refused msw');
  });
});
