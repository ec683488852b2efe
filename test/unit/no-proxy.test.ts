import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidOptionError } from '../../src/core/index.js';
import { isNoProxy, parseNoProxy, proxyChooser } from '../../src/transports/node/no-proxy.js';

const bypass = (noProxy: string, url: string): boolean => isNoProxy(new URL(url), parseNoProxy(noProxy));

test('NO_PROXY: exact hosts and their subdomains, .suffix and *.suffix, *', () => {
  assert.equal(bypass('api.test', 'http://api.test/'), true);
  assert.equal(bypass('api.test', 'http://x.api.test/'), true);
  assert.equal(bypass('api.test', 'http://xapi.test/'), false);
  assert.equal(bypass('API.Test', 'http://api.test./'), true);
  assert.equal(bypass('.corp.test', 'http://a.corp.test/'), true);
  assert.equal(bypass('.corp.test', 'http://corp.test/'), false);
  assert.equal(bypass('*.corp.test', 'https://a.b.corp.test/'), true);
  assert.equal(bypass('*.corp.test', 'https://corp.test/'), false);
  assert.equal(bypass('*', 'http://anything.test/'), true);
  assert.equal(bypass('', 'http://anything.test/'), false);
  assert.equal(bypass('localhost', 'http://localhost:8080/'), true);
  assert.equal(bypass('localhost', 'http://127.0.0.1/'), true);
  assert.equal(bypass('localhost', 'http://127.1.2.3/'), true);
  assert.equal(bypass('localhost', 'http://[::1]:8080/'), true);
  assert.equal(bypass('localhost:8080', 'http://127.0.0.1:9090/'), false);
  assert.equal(bypass('localhost', 'http://10.0.0.1/'), false);
});

test('NO_PROXY: host:port, IPv4, bracketed and bare IPv6; comma and space separated', () => {
  assert.equal(bypass('api.test:8080', 'http://api.test:8080/'), true);
  assert.equal(bypass('api.test:8080', 'http://api.test/'), false);
  assert.equal(bypass('api.test:443', 'https://api.test/'), true);
  assert.equal(bypass('10.0.0.1', 'http://10.0.0.1:3000/'), true);
  assert.equal(bypass('10.0.0.1', 'http://10.0.0.10/'), false);
  assert.equal(bypass('[::1]', 'http://[::1]:9/'), true);
  assert.equal(bypass('[::1]:9', 'http://[::1]:9/'), true);
  assert.equal(bypass('[::1]:9', 'http://[::1]:10/'), false);
  assert.equal(bypass('::1', 'http://[::1]/'), true);
  assert.equal(bypass('a.test, b.test  c.test', 'http://c.test/'), true);
});

test('proxy environment: lower-case names first, ALL_PROXY as fallback, per scheme, NO_PROXY', () => {
  const choose = proxyChooser(
    { proxyFromEnv: true },
    { HTTP_PROXY: 'http://upper:1', http_proxy: 'http://lower:2', ALL_PROXY: 'socks5h://all:3', NO_PROXY: 'skip.test' },
  );
  assert.ok(choose);
  assert.equal(choose(new URL('http://a.test/'))?.host, 'lower:2');
  assert.equal(choose(new URL('https://a.test/'))?.href, 'socks5h://all:3');
  assert.equal(choose(new URL('http://skip.test/')), null);
  assert.equal(proxyChooser({ proxyFromEnv: true }, {}), null);
  assert.equal(proxyChooser({}, { HTTP_PROXY: 'http://p:1' }), null, 'the environment only when asked');
  assert.equal(
    proxyChooser({ proxyFromEnv: true }, { https_proxy: 'p.test:3128' })?.(new URL('https://x.test/'))?.href,
    'http://p.test:3128/',
  );
});

test('proxy option: a fixed URL with noProxy, a function, bad schemes refused without echoing the URL', () => {
  const fixed = proxyChooser({ proxy: 'http://u:p@proxy.test:8080', noProxy: ['.internal.test'] }, {});
  assert.equal(fixed?.(new URL('http://a.test/'))?.host, 'proxy.test:8080');
  assert.equal(fixed?.(new URL('http://a.internal.test/')), null);
  const fn = proxyChooser({ proxy: (url) => (url.hostname === 'a.test' ? 'socks5://s:1080' : null) }, {});
  assert.equal(fn?.(new URL('http://a.test/'))?.protocol, 'socks5:');
  assert.equal(fn?.(new URL('http://b.test/')), null);
  assert.throws(
    () => proxyChooser({ proxy: 'ftp://user:secret@p.test' }, {}),
    (e: unknown) => {
      assert.ok(e instanceof InvalidOptionError);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    },
  );
});
