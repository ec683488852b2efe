/**
 * Subresource Integrity in core: the metadata syntax (several hashes, strongest algorithm
 * wins, `?options` ignored, unknown algorithms skipped, padding and base64url tolerated) and
 * the `integrity()` middleware in the default chain on transports that do not verify it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createClient, IntegrityError, isFerryError } from '../../src/core/index.js';
import { matchIntegrity, parseIntegrity } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const body = 'integrity body';
const sri = (alg: 'sha256' | 'sha384' | 'sha512', data: string = body): string => `${alg}-${createHash(alg).update(data).digest('base64')}`;
const bytes = new TextEncoder().encode(body);
const url = 'http://127.0.0.1:1/asset.js';

describe('integrity metadata', () => {
  test('parse: whitespace-separated items, options dropped, unknown algorithms and malformed tokens skipped', () => {
    assert.deepEqual(parseIntegrity(' sha256-AAA\tSHA512-BBB?foo=bar \n md5-CCC nodash sha384-D-E_F= sha256- sha512-!!! '), [
      { algorithm: 'sha256', value: 'AAA' },
      { algorithm: 'sha512', value: 'BBB' },
      { algorithm: 'sha384', value: 'D-E_F=' },
    ]);
    assert.deepEqual(parseIntegrity(''), []);
  });

  test('a matching digest of each algorithm matches; a wrong one does not', async () => {
    for (const alg of ['sha256', 'sha384', 'sha512'] as const) {
      assert.equal(await matchIntegrity(bytes, parseIntegrity(sri(alg))), true, alg);
      assert.equal(await matchIntegrity(bytes, parseIntegrity(sri(alg, 'other'))), false, alg);
    }
  });

  test('the strongest algorithm wins: a wrong sha512 fails even beside a right sha256', async () => {
    assert.equal(await matchIntegrity(bytes, parseIntegrity(`${sri('sha256')} ${sri('sha512', 'other')}`)), false);
    assert.equal(await matchIntegrity(bytes, parseIntegrity(`${sri('sha256', 'other')} ${sri('sha384')}`)), true);
  });

  test('several hashes of the strongest algorithm: any one matching is enough', async () => {
    assert.equal(await matchIntegrity(bytes, parseIntegrity(`${sri('sha384', 'v1')} ${sri('sha384')}`)), true);
  });

  test('options are ignored; padding is optional; base64url is accepted', async () => {
    const full = sri('sha512');
    assert.equal(await matchIntegrity(bytes, parseIntegrity(`${full}?ct=application/javascript`)), true);
    assert.equal(await matchIntegrity(bytes, parseIntegrity(full.replace(/=+$/, ''))), true);
    const url64 = full.replace(/\+/g, '-').replace(/\//g, '_');
    assert.equal(await matchIntegrity(bytes, parseIntegrity(url64)), true);
    assert.equal(await matchIntegrity(bytes, parseIntegrity(`SHA512-${full.slice(7)}`)), true);
  });
});

describe('integrity() in the default chain (transport without native SRI)', () => {
  test('a matching body arrives whole; a mismatch is an IntegrityError (a TypeError) naming method and URL', async () => {
    const transport = inlineTransport(() => new Response(body));
    const client = createClient({ transport, cookies: false, retry: false });
    const ok = await client.get(url, { integrity: `${sri('sha384')}` });
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), body);
    const e = await client.get('http://user:pw@127.0.0.1:1/asset.js', { integrity: sri('sha256', 'tampered') }).then(
      () => assert.fail('expected a rejection'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof IntegrityError);
    assert.ok(e instanceof TypeError);
    assert.ok(isFerryError(e));
    assert.equal(e.code, 'ERR_INTEGRITY');
    assert.equal(e.algorithm, 'sha256');
    assert.equal(e.message, "GET http://127.0.0.1:1/asset.js: the response body does not match the request's integrity metadata (sha256)");
  });

  test('the decoded body is what is hashed (gzip on the wire)', async () => {
    const transport = inlineTransport(() => new Response(gzipSync(body), { headers: { 'content-encoding': 'gzip' } }));
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get(url, { integrity: sri('sha256') })).text(), body);
  });

  test('only the final response of a redirect chain is checked', async () => {
    const transport = inlineTransport((req) =>
      req.url.endsWith('/old') ? new Response('moved', { status: 301, headers: { location: '/asset.js' } }) : new Response(body),
    );
    const client = createClient({ transport, cookies: false });
    const res = await client.get('http://127.0.0.1:1/old', { integrity: sri('sha512') });
    assert.equal(await res.text(), body);
    assert.equal(res.history.length, 1);
  });

  test('retries happen first: the retried 503 is not checked, the final 200 is', async () => {
    let n = 0;
    const transport = inlineTransport(() => (++n === 1 ? new Response('busy', { status: 503 }) : new Response(body)));
    const client = createClient({ transport, cookies: false, retry: { limit: 1, backoff: () => 0 } });
    assert.equal(await (await client.get(url, { integrity: sri('sha256') })).text(), body);
    assert.equal(n, 2);
  });

  test('a mismatching error status fails too (fetch checks every response)', async () => {
    const transport = inlineTransport(() => new Response('not found', { status: 404 }));
    const client = createClient({ transport, cookies: false });
    await assert.rejects(client.get(url, { integrity: sri('sha256') }), IntegrityError);
  });

  test('metadata without a known algorithm lets the response through untouched', async () => {
    const transport = inlineTransport(() => new Response(body));
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get(url, { integrity: 'md5-abc garbage' })).text(), body);
  });

  test('a foreign Request carries its integrity', async () => {
    const transport = inlineTransport(() => new Response(body));
    const client = createClient({ transport, cookies: false });
    await assert.rejects(client.fetch(new Request(url, { integrity: sri('sha256', 'x') })), IntegrityError);
    assert.equal(await (await client.fetch(new Request(url, { integrity: sri('sha256') }))).text(), body);
  });

  test('idle: without integrity the body is not read ahead (it streams as it comes)', async () => {
    let pulled = 0;
    const transport = inlineTransport(
      () =>
        new Response(
          new ReadableStream({
            pull(c) {
              pulled++;
              c.enqueue(new TextEncoder().encode('x'));
              if (pulled === 3) c.close();
            },
          }),
        ),
    );
    const client = createClient({ transport, cookies: false });
    const res = await client.get(url);
    const seenBeforeRead = pulled;
    assert.ok(seenBeforeRead <= 1, `pulled ${seenBeforeRead} chunks before the caller read`);
    assert.equal(await res.text(), 'xxx');
  });

  test('a transport that verifies natively is trusted (capabilities.integrity)', async () => {
    const transport = inlineTransport(() => new Response(body), { integrity: true });
    const client = createClient({ transport, cookies: false });
    assert.equal(await (await client.get(url, { integrity: sri('sha256', 'other') })).text(), body);
  });

  /** A transport whose body sends a little, then waits until the exchange is aborted. */
  const stalling = (started?: () => void) =>
    inlineTransport(
      (_req, ctx) =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode('partial'));
              ctx.signal?.addEventListener('abort', () => c.error(ctx.signal?.reason));
              started?.();
            },
          }),
        ),
    );

  test('an abort while the body is verified rejects with the reason', async () => {
    const controller = new AbortController();
    const transport = stalling(() => setTimeout(() => controller.abort(new Error('stop')), 10));
    const client = createClient({ transport, cookies: false });
    await assert.rejects(client.get(url, { integrity: sri('sha256'), signal: controller.signal }), /stop/);
  });

  test('the total timeout covers the verification read', async () => {
    const transport = stalling();
    const client = createClient({ transport, cookies: false });
    await assert.rejects(
      client.get(url, { integrity: sri('sha256'), timeout: 50 }),
      (e: unknown) => (e as { code?: string }).code === 'ERR_TIMEOUT',
    );
  });
});
