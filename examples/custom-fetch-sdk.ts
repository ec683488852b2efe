/**
 * Handing ferry's fetch to an SDK that accepts a custom `fetch`: the SDK keeps calling plain
 * `fetch(url, init)`, and every call goes through ferry's chain (here: auth and events). The
 * SDK retries by itself, as most do (openai, ky, postgrest): the client is made with
 * `retry: false`, so that ferry's retries do not stack under the SDK's (2 × 3 attempts a call).
 * Starts its own flaky server on 127.0.0.1 (a free port), prints what happened, exits.
 * In your project, import from 'ferry' instead of '../src/index.node.js'.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearer, createClient } from '../src/index.node.js';

// A tiny SDK, written the way many are: it takes `fetch` as an option, retries a 503 itself
// (maxRetries), and knows nothing of ferry.
interface Todo {
  id: number;
  title: string;
}
function createTodoSdk(options: { baseUrl: string; fetch?: typeof globalThis.fetch; maxRetries?: number }) {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return {
    async listTodos(): Promise<Todo[]> {
      for (let attempt = 0; ; attempt++) {
        const res = await fetchImpl(`${options.baseUrl}/todos`, { headers: { accept: 'application/json' } });
        if (res.status === 503 && attempt < (options.maxRetries ?? 2)) {
          await res.body?.cancel();
          continue;
        }
        if (!res.ok) throw new Error(`todo API answered ${res.status}`);
        return (await res.json()) as Todo[];
      }
    },
  };
}

// The API: wants a bearer token, and fails with 503 the first time (as busy servers do).
let calls = 0;
const server = createServer((req, res) => {
  calls++;
  if (req.headers.authorization !== 'Bearer s3cret') {
    res.writeHead(401).end();
  } else if (calls === 1) {
    res.writeHead(503, { 'retry-after': '0' }).end('busy');
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ id: 1, title: 'ship it' }]));
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// sdk:begin
// The SDK retries by itself: retry: false keeps ferry's retries from stacking under its own.
const client = createClient({ auth: bearer('s3cret'), retry: false });
client.on('onHeaders', (res) => console.log(`  <- ${res.status} ${res.url}`));

const sdk = createTodoSdk({ baseUrl, fetch: client.fetch }); // ferry's fetch fits where fetch goes
console.log('todos:', await sdk.listTodos()); // 503, the SDK's retry, then 200; the token added by ferry
// sdk:end

console.log(`the server saw ${calls} requests`);
await client.close();
server.close();
