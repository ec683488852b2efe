/**
 * The compiled chain (src/core/chain/compile.ts) and steps (src/core/steps/step.ts): a row of
 * idle steps is sent on as one and their watching hooks run innermost first; a step with work
 * takes its work; the same step called directly behaves the same; rows longer than a watch
 * mask, plain middleware between steps and synchronous throws below all keep the semantics.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../../src/core/index.js';
import { compile, defineStep, type ExchangeContext, headerList, headerValue, type Next, type Step } from '../../src/core/kit.js';
import { createMockTransport } from '../../src/transports/mock/index.js';

const ctx = {} as ExchangeContext;
const request = new Request('http://127.0.0.1/');
const ok: Next = async () => new Response('ok');

/** A step that records its calls in `log`: idle unless `busy`, watching unless `blind`. */
function probe(name: string, log: string[], opts: { busy?: boolean; blind?: boolean; recover?: boolean } = {}): Step {
  return defineStep({
    name,
    idle: () => !opts.busy,
    work: async (req, next, c) => {
      log.push(`${name}:work`);
      return next(req, c);
    },
    watches: () => !opts.blind,
    after: (res) => {
      log.push(`${name}:after`);
      return res;
    },
    failed: (error) => {
      log.push(`${name}:failed`);
      if (opts.recover) return new Response('recovered');
      throw error;
    },
  });
}

test('a row of idle steps: one send below, the watching hooks innermost first, blind ones skipped', async () => {
  const log: string[] = [];
  let sends = 0;
  const chain = compile([probe('a', log), probe('b', log, { blind: true }), probe('c', log)], async () => {
    sends++;
    return new Response('x');
  });
  assert.equal(await (await chain(request, ctx)).text(), 'x');
  assert.equal(sends, 1);
  assert.deepEqual(log, ['c:after', 'a:after']);
});

test('a step with work splits the row: the rows above and below it are still rows', async () => {
  const log: string[] = [];
  const chain = compile([probe('a', log), probe('b', log, { busy: true }), probe('c', log)], ok);
  await chain(request, ctx);
  assert.deepEqual(log, ['b:work', 'c:after', 'a:after']);
});

test('a failure below goes up through the failed hooks; a recovery goes on through the after hooks above it', async () => {
  const log: string[] = [];
  const boom = async (): Promise<Response> => {
    throw new Error('boom');
  };
  const chain = compile([probe('a', log), probe('b', log, { recover: true }), probe('c', log)], boom);
  assert.equal(await (await chain(request, ctx)).text(), 'recovered');
  assert.deepEqual(log, ['c:failed', 'b:failed', 'a:after']);

  const none: string[] = [];
  await assert.rejects(compile([probe('a', none), probe('c', none)], boom)(request, ctx), /boom/);
  assert.deepEqual(none, ['c:failed', 'a:failed']);
});

test('a synchronous throw below is a rejection the hooks see', async () => {
  const log: string[] = [];
  const throws: Next = () => {
    throw new Error('sync');
  };
  await assert.rejects(compile([probe('a', log)], throws)(request, ctx), /sync/);
  assert.deepEqual(log, ['a:failed']);
});

test('an after hook that throws hands its error to the failed hooks above it', async () => {
  const log: string[] = [];
  const thrower = defineStep({
    name: 'thrower',
    after: () => {
      throw new Error('after');
    },
  });
  const chain = compile([probe('a', log, { recover: true }), thrower], ok);
  assert.equal(await (await chain(request, ctx)).text(), 'recovered');
  assert.deepEqual(log, ['a:failed']);
});

test('a hook that returns a promise holds the hooks above it until it settles', async () => {
  const log: string[] = [];
  const slow = defineStep({
    name: 'slow',
    after: async (res) => {
      await new Promise((r) => setTimeout(r, 5));
      log.push('slow:after');
      return new Response(`${await res.text()}+slow`);
    },
  });
  const res = await compile([probe('a', log), slow], ok)(request, ctx);
  assert.equal(await res.text(), 'ok+slow');
  assert.deepEqual(log, ['slow:after', 'a:after']);
});

test('a plain middleware between steps is a link: the steps below it keep their row', async () => {
  const log: string[] = [];
  const plain = async (req: Request, next: Next, c: ExchangeContext): Promise<Response> => {
    log.push('plain');
    return next(req, c);
  };
  await compile([probe('a', log), plain, probe('b', log), probe('c', log)], ok)(request, ctx);
  assert.deepEqual(log, ['plain', 'c:after', 'b:after', 'a:after']);
});

test('rows longer than a watch mask (31 steps) go on as rows of their own', async () => {
  const log: string[] = [];
  const steps = Array.from({ length: 70 }, (_, i) => probe(`s${i}`, log));
  let sends = 0;
  await compile(steps, async () => {
    sends++;
    return new Response('x');
  })(request, ctx);
  assert.equal(sends, 1);
  assert.deepEqual(
    log,
    Array.from({ length: 70 }, (_, i) => `s${69 - i}:after`),
  );
});

test('a step called directly behaves as it does in a chain', async () => {
  for (const busy of [false, true]) {
    const direct: string[] = [];
    const chained: string[] = [];
    await probe('a', direct, { busy })(request, ok, ctx);
    await compile([probe('a', chained, { busy })], ok)(request, ctx);
    assert.deepEqual(direct, chained);
  }
});

test("a user's step in `middleware` is a step: it idles, and its headers join the client's defaults", async () => {
  let worked = 0;
  const stamp = defineStep({
    name: 'stamp',
    headers: [['x-stamp', 'yes']],
    idle: (req) => headerValue(headerList(req), 'x-stamp') !== null,
    work: (req, next, c) => {
      worked++;
      return next(req, c);
    },
  });
  const transport = createMockTransport((req) => new Response(req.headers.get('x-stamp')));
  const client = createClient({ transport, middleware: [stamp] });
  assert.equal(await (await client.get('https://api.example.com/')).text(), 'yes');
  assert.equal(worked, 0);
  // A client header of the same name wins; the step then idles on it too.
  const own = createClient({ transport, middleware: [stamp], headers: { 'x-stamp': 'mine' } });
  assert.equal(await (await own.get('https://api.example.com/')).text(), 'mine');
});
