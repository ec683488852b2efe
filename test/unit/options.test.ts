import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createClient, InvalidOptionError, isFerryError } from '../../src/core/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const echo = () => inlineTransport((req) => Response.json({ url: req.url, method: req.method, headers: [...req.headers] }));

describe('options: validation before any I/O', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['redirect', { redirect: 'sometimes' }],
    ['maxRedirects', { maxRedirects: -1 }],
    ['timeout', { timeout: -5 }],
    ['timeout.total', { timeout: { total: 'x' } }],
    ['timeout.nap', { timeout: { nap: 1 } }],
    ['retry.limit', { retry: { limit: 1.5 } }],
    ['headers', { headers: { 'x-bad': 'a\r\nInjected: 1' } }],
    ['headers', { headers: { 'bad name': 'x' } }],
    ['baseURL', { baseURL: 'not a url' }],
    ['on.nope', { on: { nope: () => {} } }],
    ['cookies', { cookies: 'yes' }],
    ['decoders.gzip', { decoders: { gzip: 1 } }],
    ['expectContinue', { expectContinue: -1 }],
    ['auth', { auth: 'user:pass' }],
  ];
  for (const [option, input] of bad) {
    test(`createClient rejects ${option} synchronously`, () => {
      const transport = echo();
      assert.throws(
        () => createClient({ ...input, transport } as never),
        (e: unknown) => e instanceof InvalidOptionError && e.option === option && isFerryError(e) && e.code === 'ERR_INVALID_OPTION',
      );
    });
  }

  test('per-request errors reject before the transport sees anything', async () => {
    const transport = echo();
    const client = createClient({ transport, cookies: false });
    const cases: [string, Promise<unknown>][] = [
      ['url', client.get('::nope::')],
      ['url', client.get('ftp://127.0.0.1/x')],
      ['headers', client.get('http://127.0.0.1/', { headers: { a: 'x\ny' } })],
      ['body', client.post('http://127.0.0.1/', { json: {}, body: 'x' })],
      ['body', client.get('http://127.0.0.1/', { body: 'x' })],
      ['timeout', client.get('http://127.0.0.1/', { timeout: -1 })],
      ['method', client.request('GE T', 'http://127.0.0.1/')],
      ['json', client.post('http://127.0.0.1/', { json: { big: 1n } })],
      ['cookies.a', client.get('http://127.0.0.1/', { cookies: { a: 'b;c' } })],
    ];
    for (const [option, p] of cases) {
      await assert.rejects(p, (e: unknown) => e instanceof InvalidOptionError && e.option === option);
    }
    assert.equal(transport.requests.length, 0);
  });

  test('error messages name the method and URL without credentials', async () => {
    const client = createClient({ transport: echo(), cookies: false });
    await assert.rejects(client.post('http://user:secret@127.0.0.1/x', { json: 1, body: 'y' }), (e: Error) => {
      assert.match(e.message, /^POST http:\/\/127\.0\.0\.1\/x: /);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  });
});

describe('options: merging', () => {
  test('headers merge case-insensitively; per-request wins; undefined deletes', async () => {
    const transport = echo();
    const client = createClient({ transport, cookies: false, headers: { 'X-Api': 'client', Accept: 'text/plain', 'x-keep': '1' } });
    const res = await client.get('http://127.0.0.1/', { headers: { 'x-api': 'request', accept: undefined } as never });
    const { headers } = (await res.json()) as { headers: [string, string][] };
    const map = new Map(headers);
    assert.equal(map.get('x-api'), 'request');
    assert.equal(map.has('accept'), false);
    assert.equal(map.get('x-keep'), '1');
  });

  test('per-request shared options override the client and are frozen', async () => {
    const transport = echo();
    const client = createClient({ transport, cookies: false, maxRedirects: 3, timeout: 1000 });
    await client.get('http://127.0.0.1/', { maxRedirects: 7 });
    await client.get('http://127.0.0.1/');
    const [a, b] = transport.contexts;
    assert.equal(a?.options.maxRedirects, 7);
    assert.equal(b?.options.maxRedirects, 3);
    assert.deepEqual(b?.options.timeout, { total: 1000 });
    assert.ok(Object.isFrozen(a?.options));
    // no per-request options: the client's resolved object is shared, nothing rebuilt
    assert.equal(b?.options, client.config.shared);
  });

  test('params: arrays repeat, merged with the URL query and the client params', async () => {
    const transport = echo();
    const client = createClient({ transport, cookies: false, baseURL: 'http://127.0.0.1:1/api/v1', params: { key: 'k' } });
    const res = await client.get('/items?sort=asc', { params: { page: 2, tag: ['a', 'b'], skip: undefined } });
    assert.equal(((await res.json()) as { url: string }).url, 'http://127.0.0.1:1/api/v1/items?sort=asc&key=k&page=2&tag=a&tag=b');
  });

  test('baseURL resolution keeps the base path; absolute URLs win', async () => {
    const transport = echo();
    const client = createClient({ transport, cookies: false, baseURL: 'http://127.0.0.1:1/api/' });
    assert.equal(((await (await client.get('users')).json()) as { url: string }).url, 'http://127.0.0.1:1/api/users');
    assert.equal(((await (await client.get('/users')).json()) as { url: string }).url, 'http://127.0.0.1:1/api/users');
    assert.equal(((await (await client.get('http://127.0.0.1:2/x')).json()) as { url: string }).url, 'http://127.0.0.1:2/x');
  });

  test('methods are normalised like fetch; custom tokens pass', async () => {
    const transport = echo();
    const client = createClient({ transport, cookies: false });
    await client.fetch('http://127.0.0.1/', { method: 'post', body: 'x' });
    await client.request('PROPFIND', 'http://127.0.0.1/');
    assert.deepEqual(
      transport.requests.map((r) => r.method),
      ['POST', 'PROPFIND'],
    );
  });
});
