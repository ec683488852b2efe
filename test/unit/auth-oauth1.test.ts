import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formPairs } from '../../src/core/auth/oauth1-sign.js';
import { AuthError, createClient, InvalidOptionError, oauth1 } from '../../src/core/index.js';
import { oauthEncode, signatureBaseString } from '../../src/core/kit.js';
import { inlineTransport } from '../helpers/inline-transport.js';

describe('RFC 5849 vectors', () => {
  test('§3.4.1.1: the exact signature base string of the worked example', () => {
    const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
    const oauth: [string, string][] = [
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
    ];
    assert.equal(
      signatureBaseString('POST', url, [...formPairs(url.search), ...formPairs('c2&a3=2+q'), ...oauth]),
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  test('§3.4.1 worked example through the scheme: the form body and query are signed, the base string matches', async () => {
    // The RFC gives no secrets for this example, so its signature cannot be recomputed; the
    // signature is checked by oauthlib in test/integration/auth-oauth1.test.ts.
    const transport = inlineTransport((req) => new Response(req.headers.get('authorization')));
    const auth = oauth1({
      consumerKey: '9djdj82h48djs9d2',
      consumerSecret: 'j49sk3j29djd',
      token: 'kkk9d7dh3k39sjv7',
      tokenSecret: 'dh893hdasih9',
      realm: 'Example',
      version: false,
      nonce: () => '7d8f3e4a',
      timestamp: () => 137131201,
    });
    const res = await createClient({ transport, cookies: false }).post('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', {
      body: 'c2&a3=2+q',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      auth,
    });
    const header = await res.text();
    assert.match(
      header,
      /^OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="[^"]+"$/,
    );
    // HMAC-SHA1 over the §3.4.1.1 base string with key "j49sk3j29djd&dh893hdasih9" (computed by node:crypto).
    const { createHmac } = await import('node:crypto');
    const base =
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7';
    const expected = createHmac('sha1', 'j49sk3j29djd&dh893hdasih9').update(base).digest('base64');
    assert.ok(header.endsWith(`oauth_signature="${oauthEncode(expected)}"`));
  });

  test('§1.2 example: the exact HMAC-SHA1 signature', async () => {
    const transport = inlineTransport((req) => new Response(req.headers.get('authorization')));
    const auth = oauth1({
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      token: 'nnch734d00sl2jdk',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      realm: 'Photos',
      version: false,
      nonce: () => 'chapoH',
      timestamp: () => 137131202,
    });
    const res = await createClient({ transport, cookies: false }).get('http://photos.example.net/photos?file=vacation.jpg&size=original', {
      auth,
    });
    assert.equal(
      await res.text(),
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"',
    );
  });

  test('§3.6 percent-encoding: unreserved kept, everything else %XX of UTF-8, upper-case', () => {
    assert.equal(oauthEncode("AZaz09-._~ !*'()&=+/%ü€"), 'AZaz09-._~%20%21%2A%27%28%29%26%3D%2B%2F%25%C3%BC%E2%82%AC');
  });

  test('PLAINTEXT is the encoded secrets joined by &', async () => {
    const transport = inlineTransport((req) => new Response(req.headers.get('authorization')));
    const auth = oauth1({ consumerKey: 'k', consumerSecret: 'a b', tokenSecret: 'c&d', signatureMethod: 'PLAINTEXT' });
    const header = await (await createClient({ transport, cookies: false }).get('http://example.com/', { auth })).text();
    assert.match(header, /oauth_signature="a%2520b%26c%2526d"/);
  });
});

describe('oauth1 placements and per-hop signing', () => {
  test('query placement appends the protocol parameters to the query', async () => {
    const transport = inlineTransport((req) => new Response(req.url));
    const auth = oauth1({ consumerKey: 'k', consumerSecret: 's', placement: 'query', nonce: () => 'n1', timestamp: () => 1 });
    const url = new URL(await (await createClient({ transport, cookies: false }).get('http://example.com/p?a=1', { auth })).text());
    assert.equal(url.searchParams.get('a'), '1');
    assert.equal(url.searchParams.get('oauth_nonce'), 'n1');
    assert.ok(url.searchParams.get('oauth_signature'));
  });

  test('body placement appends to a form body and keeps its type', async () => {
    const transport = inlineTransport(async (req) =>
      Response.json({ type: req.headers.get('content-type'), body: await req.text(), auth: req.headers.get('authorization') }),
    );
    const auth = oauth1({ consumerKey: 'k', consumerSecret: 's', placement: 'body' });
    const res = await createClient({ transport, cookies: false }).post('http://example.com/', { form: { a: 'b c' }, auth });
    const seen = (await res.json()) as { type: string; body: string; auth: null };
    assert.match(seen.type, /^application\/x-www-form-urlencoded/);
    assert.match(seen.body, /^a=b\+c&oauth_consumer_key=k&/);
    assert.equal(seen.auth, null);
  });

  test('body placement without a form body is an AuthError before sending', async () => {
    const transport = inlineTransport(() => new Response('x'));
    const auth = oauth1({ consumerKey: 'k', consumerSecret: 's', placement: 'body' });
    await assert.rejects(createClient({ transport, cookies: false }).get('http://example.com/g', { auth }), AuthError);
    await assert.rejects(createClient({ transport, cookies: false }).post('http://example.com/j', { json: {}, auth }), AuthError);
    assert.equal(transport.requests.length, 0);
  });

  test('a one-shot form body cannot be signed: AuthError, nothing sent', async () => {
    const transport = inlineTransport(() => new Response('x'));
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('a=1'));
        c.close();
      },
    });
    const auth = oauth1({ consumerKey: 'k', consumerSecret: 's' });
    await assert.rejects(
      createClient({ transport, cookies: false }).post('http://example.com/', {
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        auth,
      }),
      AuthError,
    );
    assert.equal(transport.requests.length, 0);
  });

  test('a fresh nonce and timestamp per request', async () => {
    const transport = inlineTransport((req) => new Response(req.headers.get('authorization')));
    const client = createClient({ transport, cookies: false, auth: oauth1({ consumerKey: 'k', consumerSecret: 's' }) });
    const a = await (await client.get('http://example.com/')).text();
    const b = await (await client.get('http://example.com/')).text();
    const nonce = (h: string) => /oauth_nonce="([^"]+)"/.exec(h)?.[1];
    assert.notEqual(nonce(a), nonce(b));
    assert.match(a, /oauth_timestamp="\d{10}"/);
  });

  test('bad options throw InvalidOptionError synchronously', () => {
    assert.throws(() => oauth1({ consumerKey: '' } as never), InvalidOptionError);
    assert.throws(() => oauth1({ consumerKey: 'k' }), InvalidOptionError);
    assert.throws(() => oauth1({ consumerKey: 'k', consumerSecret: 's', signatureMethod: 'MD5' as never }), InvalidOptionError);
    assert.throws(() => oauth1({ consumerKey: 'k', signatureMethod: 'RSA-SHA1' }), InvalidOptionError);
    assert.throws(() => oauth1({ consumerKey: 'k', consumerSecret: 's', placement: 'cookie' as never }), InvalidOptionError);
    assert.throws(
      () =>
        oauth1({
          consumerKey: 'k',
          signatureMethod: 'RSA-SHA1',
          privateKey: '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
        }),
      InvalidOptionError,
    );
  });

  test('RSA-SHA1 signs with a PKCS#8 PEM key (verified with node:crypto); a broken key is an AuthError', async () => {
    const { generateKeyPairSync, createVerify } = await import('node:crypto');
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const transport = inlineTransport((req) => new Response(req.headers.get('authorization')));
    const client = createClient({ transport, cookies: false });
    const auth = oauth1({
      consumerKey: 'k',
      signatureMethod: 'RSA-SHA1',
      privateKey,
      nonce: () => 'n',
      timestamp: () => 1,
      version: false,
    });
    const header = await (await client.get('http://example.com/r?a=1', { auth })).text();
    const signature = decodeURIComponent(/oauth_signature="([^"]+)"/.exec(header)?.[1] ?? '');
    const base = signatureBaseString('GET', new URL('http://example.com/r'), [
      ['a', '1'],
      ['oauth_consumer_key', 'k'],
      ['oauth_signature_method', 'RSA-SHA1'],
      ['oauth_timestamp', '1'],
      ['oauth_nonce', 'n'],
    ]);
    assert.ok(createVerify('RSA-SHA1').update(base).verify(publicKey, signature, 'base64'));
    const broken = oauth1({
      consumerKey: 'k',
      signatureMethod: 'RSA-SHA1',
      privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
    });
    await assert.rejects(client.get('http://example.com/', { auth: broken }), AuthError);
  });
});

describe('oauth1 across redirects', () => {
  test('every hop is signed for its own method and URL; body placement falls back to the query after a 303', async () => {
    const seen: { method: string; url: string; body: string; auth: string | null }[] = [];
    const transport = inlineTransport(async (req) => {
      seen.push({ method: req.method, url: req.url, body: await req.text(), auth: req.headers.get('authorization') });
      if (req.method === 'POST') return new Response(null, { status: 303, headers: { location: '/done?x=1' } });
      return new Response('done');
    });
    const client = createClient({ transport, cookies: false });
    const res = await client.post('http://example.com/submit', {
      form: { a: '1' },
      auth: oauth1({ consumerKey: 'k', consumerSecret: 's', placement: 'body' }),
    });
    assert.equal(await res.text(), 'done');
    assert.equal(seen.length, 2);
    assert.match(seen[0]?.body ?? '', /^a=1&oauth_consumer_key=k&.*oauth_signature=/);
    assert.equal(seen[1]?.method, 'GET');
    const second = new URL(seen[1]?.url ?? '');
    assert.equal(second.searchParams.get('x'), '1');
    assert.ok(second.searchParams.get('oauth_signature'));
    assert.notEqual(second.searchParams.get('oauth_nonce'), /oauth_nonce=([^&]+)/.exec(seen[0]?.body ?? '')?.[1]);
    // Header placement: the second hop gets its own header.
    seen.length = 0;
    await (
      await client.post('http://example.com/submit', { form: { a: '1' }, auth: oauth1({ consumerKey: 'k', consumerSecret: 's' }) })
    ).text();
    assert.ok(seen[0]?.auth && seen[1]?.auth && seen[0].auth !== seen[1].auth);
  });
});
