import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ferry from '../../src/core/kit.js';

const { FerryError, TransportError, TimeoutError, InvalidOptionError, CapabilityError, isFerryError, scrubUrl, describe: say } = ferry;

test('every error is branded, has a stable code, and network errors are TypeErrors', () => {
  const cases: [Error, string, boolean][] = [
    [new TransportError('x'), 'ERR_NETWORK', true],
    [new ferry.ConnectError('x'), 'ERR_CONNECT', true],
    [new TimeoutError('x', 'headers'), 'ERR_TIMEOUT', true],
    [new ferry.TLSError('x'), 'ERR_TLS', true],
    [new ferry.ProxyError('x', 407), 'ERR_PROXY', true],
    [new ferry.ResponseTruncatedError('x'), 'ERR_TRUNCATED', true],
    [new ferry.DecodingError('x'), 'ERR_DECODING', true],
    [new ferry.IntegrityError('x', 'sha256'), 'ERR_INTEGRITY', true],
    [new ferry.StreamConsumedError('x'), 'ERR_STREAM_CONSUMED', true],
    [new InvalidOptionError('opt', 'x'), 'ERR_INVALID_OPTION', true],
    [new CapabilityError('browser', 'proxy'), 'ERR_CAPABILITY', false],
    [new ferry.TooManyRedirectsError('x', []), 'ERR_TOO_MANY_REDIRECTS', true],
    [new ferry.RedirectError('x'), 'ERR_REDIRECT', true],
    [new ferry.HTTPStatusError('x', new Response(null, { status: 500 })), 'ERR_HTTP_STATUS', false],
    [new ferry.AuthError('x', { error: 'invalid_client' }), 'ERR_AUTH', false],
    [new ferry.WebSocketError('x', { status: 401 }), 'ERR_WEBSOCKET', false],
  ];
  for (const [e, code, isType] of cases) {
    assert.equal((e as unknown as { code: string }).code, code);
    assert.ok(isFerryError(e), code);
    assert.ok(e instanceof FerryError, code);
    assert.equal(e instanceof TypeError, isType, code);
    assert.equal(e.name, e.constructor.name);
  }
  assert.equal(isFerryError(new Error('plain')), false);
  assert.equal(new Error('plain') instanceof FerryError, false);
});

test('the brand works across copies (Symbol.for)', () => {
  const foreign = Object.assign(new Error('from another copy'), { code: 'ERR_NETWORK', [Symbol.for('ferry.error')]: true });
  assert.ok(isFerryError(foreign));
});

test('cause is kept; messages scrub credentials', () => {
  const cause = new Error('ECONNREFUSED');
  const e = new ferry.ConnectError(say('connection refused', { method: 'GET', url: 'http://user:pw@127.0.0.1:1/x' }), { cause });
  assert.equal(e.cause, cause);
  assert.equal(e.message, 'GET http://127.0.0.1:1/x: connection refused');
  assert.equal(scrubUrl('https://a:b@h/p?q'), 'https://h/p?q');
  assert.equal(new CapabilityError('browser', 'proxy').message, 'the browser transport cannot do proxy');
});

test('regression: a subclass instanceof checks its own class, not the brand', () => {
  const auth = new ferry.AuthError('x');
  assert.ok(auth instanceof FerryError);
  assert.equal(auth instanceof ferry.WebSocketError, false);
  assert.equal(auth instanceof ferry.HTTPStatusError, false);
  assert.equal(new ferry.TransportError('x') instanceof ferry.TimeoutError, false);
  assert.ok(new ferry.TimeoutError('x', 'total') instanceof TransportError);
});
