import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { parseChallenges } from '../../src/core/auth/challenge.js';
import { md5, md5Table } from '../../src/core/auth/md5.js';
import { sha512t256 } from '../../src/core/auth/sha512-256.js';
import { createClient, digestAuth } from '../../src/core/index.js';
import { inlineTransport } from '../helpers/inline-transport.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('md5', () => {
  test('RFC 1321 §A.5 test suite', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, digest] of suite) assert.equal(hex(md5(utf8(input))), digest, JSON.stringify(input));
  });
  test('the sine table is floor(2^32 * |sin(i + 1)|)', () => {
    assert.equal(md5Table.length, 64);
    md5Table.forEach((t, i) => assert.equal(t, Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32), `T[${i + 1}]`));
  });
  test('agrees with node:crypto on every length 0..300 (all padding cases)', () => {
    for (let n = 0; n <= 300; n++) {
      const data = crypto.getRandomValues(new Uint8Array(n));
      assert.equal(hex(md5(data)), createHash('md5').update(data).digest('hex'), `length ${n}`);
    }
  });
});

describe('sha512/256', () => {
  test('FIPS 180-4 / NIST example vectors', () => {
    assert.equal(hex(sha512t256(utf8('abc'))), '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23');
    assert.equal(
      hex(
        sha512t256(
          utf8('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
        ),
      ),
      '3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a',
    );
    assert.equal(hex(sha512t256(new Uint8Array(0))), 'c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a');
  });
  test('is not a truncated SHA-512', () => {
    assert.notEqual(hex(sha512t256(utf8('abc'))), createHash('sha512').update('abc').digest('hex').slice(0, 64));
  });
  test('agrees with node:crypto sha512-256 on every length 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const data = crypto.getRandomValues(new Uint8Array(n));
      assert.equal(hex(sha512t256(data)), createHash('sha512-256').update(data).digest('hex'), `length ${n}`);
    }
  });
});

describe('WWW-Authenticate parsing', () => {
  test('several challenges in one value, quoted strings with commas and escapes, token68', () => {
    assert.deepEqual(parseChallenges('Digest realm="a, b", qop="auth,auth-int", nonce="x\\"y", algorithm=SHA-256, Basic realm="z"'), [
      { scheme: 'digest', params: { realm: 'a, b', qop: 'auth,auth-int', nonce: 'x"y', algorithm: 'SHA-256' } },
      { scheme: 'basic', params: { realm: 'z' } },
    ]);
    assert.deepEqual(parseChallenges('Negotiate, Basic dGVzdA==, Bearer'), [
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: {}, token68: 'dGVzdA==' },
      { scheme: 'bearer', params: {} },
    ]);
    assert.deepEqual(parseChallenges(null), []);
  });
});

describe('digestAuth: RFC 7616 §3.9.1 worked example', () => {
  const challenge = (algorithm: string): string =>
    `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
  for (const [algorithm, response] of [
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const) {
    test(`${algorithm}: exact response`, async () => {
      const transport = inlineTransport((req) =>
        req.headers.has('authorization')
          ? new Response(req.headers.get('authorization'))
          : new Response(null, { status: 401, headers: { 'www-authenticate': challenge(algorithm) } }),
      );
      const auth = digestAuth('Mufasa', 'Circle of Life', { cnonce: () => 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' });
      const res = await createClient({ transport, cookies: false }).get('http://www.example.org/dir/index.html', { auth });
      const header = await res.text();
      assert.match(header, new RegExp(`response="${response}"`));
      assert.match(header, /nc=00000001/);
      assert.match(header, /qop=auth,|qop=auth$/);
      assert.match(header, /opaque="FQhe\/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"/);
      assert.match(header, /uri="\/dir\/index.html"/);
    });
  }

  test('a 401 without a usable digest challenge is returned as it is', async () => {
    const transport = inlineTransport(
      () => new Response('no', { status: 401, headers: { 'www-authenticate': 'Digest realm="r", nonce="n", algorithm=SHA-1' } }),
    );
    const res = await createClient({ transport, cookies: false }).get('http://example.com/', { auth: digestAuth('a', 'b') });
    assert.equal(res.status, 401);
    assert.equal(await res.text(), 'no');
    assert.equal(transport.requests.length, 1);
  });
});

describe('digestAuth: protection spaces', () => {
  test('the cached challenge answers up front only inside its domain, per origin', async () => {
    const transport = inlineTransport((req) =>
      req.headers.has('authorization')
        ? new Response('ok')
        : new Response(null, {
            status: 401,
            headers: {
              'www-authenticate': 'Digest realm="r", qop="auth", nonce="abc", domain="/a/ http://other.example.com/x/", algorithm=SHA-256',
            },
          }),
    );
    const client = createClient({ transport, cookies: false, auth: digestAuth('u', 'p') });
    await (await client.get('http://example.com/a/1')).text();
    assert.equal(transport.requests.length, 2);
    await (await client.get('http://example.com/a/2')).text();
    assert.equal(transport.requests.length, 3, 'inside /a/: preemptive');
    assert.match(transport.requests[2]?.headers.get('authorization') ?? '', /nc=00000002/);
    await (await client.get('http://example.com/b/1')).text();
    assert.equal(transport.requests.length, 5, 'outside the domain: challenged again');
    assert.equal(transport.requests[3]?.headers.get('authorization'), null);
  });
});
