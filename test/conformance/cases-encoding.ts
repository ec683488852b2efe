/**
 * Conformance cases: decompression (gzip, deflate, br; zstd where decodable), decompress:
 * false, and the decompression ceiling.
 */
import { type ConformanceCase, expectCapability, expectCode, is, type SuiteContext } from './suite.js';

const text = 'hello conformance '.repeat(64);

export function encodingCases(ctx: SuiteContext): ConformanceCase[] {
  const { url } = ctx;
  const caps = ctx.transport.capabilities;
  const name = ctx.transport.name;
  const codings = ['gzip', 'deflate', 'br'];
  const cases: ConformanceCase[] = codings.map((coding) => ({
    name: `decompression: ${coding} is advertised and decoded`,
    run: (assert) =>
      ctx.withClient({ cookies: false }, async (c) => {
        const res = await c.get(url(`/encoded?coding=${coding}`));
        // Chromium advertises br only over https; elsewhere every coding must go out.
        if (name !== 'browser' || coding !== 'br') assert.equal(res.headers.get('x-sent-encoding'), coding, 'the server sent it encoded');
        assert.equal(await res.text(), text);
      }),
  }));
  cases.push({
    name: 'decompression: a coding the server sends unasked is still decoded (x-gzip alias)',
    run: (assert) =>
      ctx.withClient({ cookies: false }, async (c) => {
        const res = await c.get(url('/encoded?coding=x-gzip&force=1'));
        assert.equal(await res.text(), text);
      }),
  });
  if (ctx.env.zstd) {
    cases.push({
      name: 'decompression: zstd is advertised and decoded where decodable',
      run: (assert) =>
        ctx.withClient({ cookies: false }, async (c) => {
          const res = await c.get(url('/encoded?coding=zstd'));
          assert.equal(res.headers.get('x-sent-encoding'), 'zstd');
          assert.equal(await res.text(), 'hello zstd from ferry conformance');
        }),
    });
  }
  cases.push({
    name: 'decompression: decompress: false gives the bytes as sent, or a CapabilityError where the runtime always decodes',
    run: (assert) =>
      ctx.withClient({ cookies: false }, async (c) => {
        const path = '/encoded?coding=gzip&force=1';
        let res: Response;
        try {
          res = await c.get(url(path), { decompress: false });
        } catch (e) {
          assert.equal(caps.rawBody, false, 'only a transport without rawBody may refuse');
          expectCapability(assert, e, name, 'rawBody');
          return;
        }
        assert.equal(res.headers.get('content-encoding'), 'gzip');
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b], 'gzip magic');
      }),
  });
  // Where ferry decodes, or (Deno) counts what the platform decoded; the browser cannot.
  if (caps.rawBody || name === 'deno') {
    cases.push({
      name: 'decompression: maxDecompressedBytes stops a bomb with DecodingError',
      run: (assert) =>
        ctx.withClient({ cookies: false, maxDecompressedBytes: 64 * 1024 }, async (c) => {
          const res = await c.get(url('/bomb'));
          expectCode(assert, await assert.rejects(res.arrayBuffer()), 'ERR_DECODING');
        }),
    });
  }
  cases.push({
    name: 'decompression: a corrupt gzip body rejects with a ferry error (DecodingError where ferry decodes)',
    run: (assert) =>
      ctx.withClient({ cookies: false }, async (c) => {
        const e = await assert.rejects(async () => (await c.get(url('/encoded?coding=gzip&force=1&corrupt=1'))).text());
        if (caps.rawBody) expectCode(assert, e, 'ERR_DECODING');
        else assert.ok(is.ferry(e), `a ferry error, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }),
  });
  return cases;
}
