/**
 * Testing code that uses ferry: swap the transport for a mock, keep the whole middleware chain.
 * The handlers are plain msw request handlers, resolved by msw itself: no global interception,
 * no patched fetch, nothing to reset between test files. Run it like any test file:
 *   node --import tsx examples/mock-transport.ts
 * In your project, import from 'ferry' and 'ferry/mock' instead of '../src/…'.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delay, HttpResponse, http } from 'msw';
import { bearer, type Client, createClient, TransportError } from '../src/index.node.js';
import { createMockTransport } from '../src/transports/mock/index.js';

// The code under test: a tiny API client module that takes a ferry client.
async function getProfile(client: Client, id: number): Promise<{ id: number; name: string }> {
  const res = await client.get(`users/${id}`, { throwHttpErrors: true });
  return (await res.json()) as { id: number; name: string };
}

// mock:begin
const transport = createMockTransport([
  http.get('https://api.example.com/v1/users/:id', ({ params, request }) =>
    request.headers.get('authorization') === 'Bearer t0ken'
      ? HttpResponse.json({ id: Number(params.id), name: 'Ada' })
      : new HttpResponse(null, { status: 401 }),
  ),
]);
const client = createClient({ baseURL: 'https://api.example.com/v1/', auth: bearer('t0ken'), transport });

test('getProfile sends the token and parses the user', async () => {
  assert.deepEqual(await getProfile(client, 7), { id: 7, name: 'Ada' });
  assert.equal(transport.requests.at(-1)?.url, 'https://api.example.com/v1/users/7');
  assert.equal(transport.requests.at(-1)?.headers.get('authorization'), 'Bearer t0ken');
});
// mock:end

test('a 401 becomes an HTTPStatusError', async () => {
  const anonymous = createClient({ baseURL: 'https://api.example.com/v1/', transport });
  await assert.rejects(getProfile(anonymous, 7), { code: 'ERR_HTTP_STATUS', status: 401 });
});

test('per-test overrides with use(): a network failure and a slow answer', async (t) => {
  t.after(() => transport.reset());
  transport.use(http.get('https://api.example.com/v1/users/1', () => HttpResponse.error()));
  await assert.rejects(client.get('users/1', { retry: 0 }), TransportError); // retry: 0, or the retry middleware tries again

  transport.use(
    http.get('https://api.example.com/v1/users/2', async () => {
      await delay(50);
      return HttpResponse.json({ id: 2, name: 'slow' });
    }),
  );
  await assert.rejects(client.get('users/2', { timeout: 10 }), { code: 'ERR_TIMEOUT' });
});

test('an unmatched request fails loudly, naming method and URL', async () => {
  await assert.rejects(client.delete('users/7'), {
    code: 'ERR_MOCK_UNHANDLED',
    message: 'DELETE https://api.example.com/v1/users/7: no mock handler matched',
  });
});
