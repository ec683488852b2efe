import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FerryResponse } from '../../src/core/index.js';
import {
  bodyFromInput,
  createRequest,
  deriveRequest,
  deriveResponse,
  FerryRequest,
  lazyRequests,
  requestParts,
  responseHeader,
  responseSetCookies,
} from '../../src/core/kit.js';

const url = new URL('http://127.0.0.1:9/path?q=1');

describe('FerryRequest', () => {
  test('is a Request; lazy on Node 20, where the probe verified platform interop', () => {
    const r = createRequest({ url, method: 'POST', headers: [['x-a', '1']], body: bodyFromInput('hello') });
    assert.ok(r instanceof Request);
    assert.ok(r instanceof FerryRequest);
    if (process.versions.node.startsWith('20.')) assert.equal(lazyRequests, true);
    assert.equal(r.method, 'POST');
    assert.equal(r.url, url.href);
    assert.equal(r.headers.get('x-a'), '1');
    assert.equal(r.redirect, 'follow');
  });

  test('platform interop: new Request(ferryRequest, init), clone(), text(), signal, credentials', async () => {
    const r = createRequest({ url, method: 'PUT', headers: [['x-a', '1']], body: bodyFromInput('hello') });
    const derived = new Request(r, { headers: { 'x-b': '2' } });
    assert.equal(derived.method, 'PUT');
    assert.equal(derived.url, url.href);
    assert.equal(derived.headers.get('x-b'), '2');
    assert.equal(await derived.text(), 'hello');

    const r2 = createRequest({ url, method: 'PUT', headers: [], body: bodyFromInput('again') });
    const c = r2.clone();
    assert.equal(await c.text(), 'again');
    assert.equal(await r2.text(), 'again');
    assert.equal(r2.bodyUsed, true);
    assert.ok(r2.signal instanceof AbortSignal);
    assert.equal(r2.credentials, 'same-origin');
  });

  test('requestParts reads a lazy request without building anything and keeps the source', () => {
    const body = bodyFromInput('text body');
    const r = createRequest({ url, method: 'POST', headers: [['x-a', '1']], body });
    const parts = requestParts(r);
    assert.equal(parts.body, body);
    assert.deepEqual(parts.headers, [['x-a', '1']]);
  });

  test('headers touched and changed on a lazy request are what gets sent', () => {
    const r = createRequest({ url, method: 'GET', headers: [['x-a', '1']], body: null });
    r.headers.set('x-b', '2');
    const parts = requestParts(r);
    assert.ok(parts.headers instanceof Headers);
    assert.equal((parts.headers as Headers).get('x-b'), '2');
  });

  test('deriveRequest keeps a replayable body and replaces what changes', async () => {
    const r = createRequest({ url, method: 'POST', headers: [['x-a', '1']], body: bodyFromInput('keep me') });
    const d = deriveRequest(r, { url: new URL('http://127.0.0.1:9/other'), headers: [['x-c', '3']] });
    assert.equal(d.url, 'http://127.0.0.1:9/other');
    assert.equal(d.headers.get('x-a'), null);
    assert.equal(await d.text(), 'keep me');
    const g = deriveRequest(r, { method: 'GET', body: null });
    assert.equal(g.body, null);
  });

  test('a foreign Request: parts come from its public API', async () => {
    const r = new Request(url, { method: 'POST', body: 'x', headers: { 'x-f': '1' } });
    const parts = requestParts(r);
    assert.equal(parts.method, 'POST');
    assert.equal((parts.headers as Headers).get('x-f'), '1');
    assert.ok(parts.body?.source instanceof ReadableStream);
    assert.equal(parts.body?.replay, null);
  });
});

describe('FerryResponse', () => {
  test('is a Response with lazy headers from raw transport headers', async () => {
    const res = new FerryResponse('hi', {
      status: 201,
      statusText: 'Created',
      headers: { 'set-cookie': ['a=1', 'b=2'], 'x-one': 'v' },
      url: 'http://127.0.0.1/',
    });
    assert.ok(res instanceof Response);
    assert.equal(res.status, 201);
    assert.equal(res.ok, true);
    assert.equal(responseHeader(res, 'x-one'), 'v');
    assert.deepEqual(responseSetCookies(res), ['a=1', 'b=2']);
    assert.deepEqual(res.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(await res.text(), 'hi');
    assert.equal(res.bodyUsed, true);
  });

  test('statuses fetch cannot construct (101, 1xx) are representable', () => {
    assert.equal(new FerryResponse(null, { status: 101 }).status, 101);
  });

  test('new Response(ferryResponse.body, ferryResponse) derives the platform way', async () => {
    const res = new FerryResponse('body', { status: 404, statusText: 'Nope', headers: { 'x-a': '1' } });
    const copy = new Response(res.body, res);
    assert.equal(copy.status, 404);
    assert.equal(copy.statusText, 'Nope');
    assert.equal(copy.headers.get('x-a'), '1');
    assert.equal(await copy.text(), 'body');
  });

  test('every reader works: json, arrayBuffer, bytes, blob, formData, clone', async () => {
    assert.deepEqual(await new FerryResponse('{"a":1}').json(), { a: 1 });
    assert.equal((await new FerryResponse('abc').arrayBuffer()).byteLength, 3);
    assert.deepEqual([...(await new FerryResponse('ab').bytes())], [97, 98]);
    const blob = await new FerryResponse('xy', { headers: { 'content-type': 'text/x' } }).blob();
    assert.equal(blob.type, 'text/x');
    const fd = await new FerryResponse('a=1&b=2', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData();
    assert.equal(fd.get('b'), '2');
    const original = new FerryResponse('twice');
    const clone = original.clone();
    assert.deepEqual(await Promise.all([original.text(), clone.text()]), ['twice', 'twice']);
  });

  test('deriveResponse takes the body over without reading it', async () => {
    const res = new FerryResponse('payload', { status: 200, headers: { a: '1' } });
    const derived = deriveResponse(res, { url: 'http://127.0.0.1/final' });
    assert.equal(derived.url, 'http://127.0.0.1/final');
    assert.equal(await derived.text(), 'payload');
    await assert.rejects(res.text(), { name: 'StreamConsumedError' });
  });
});
