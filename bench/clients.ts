/**
 * One adapter per HTTP client under test, each used the way its docs show and pooled to the
 * same number of connections per origin. Each adapter's library is imported only when that
 * client is made, so a worker process loads just the one it measures.
 * @module
 */
import http from 'node:http';

/** What every scenario needs of a client. */
export interface BenchClient {
  /** GET, read the whole body as text. */
  getText(url: string): Promise<string>;
  /** POST a JSON value (serialised per request), read the answer as text. */
  postJson(url: string, value: unknown): Promise<string>;
  /** GET, read the body as it streams and drop every chunk; resolves to the byte count. */
  stream(url: string): Promise<number>;
  /** GET, buffer the whole body; resolves to its byte length. */
  buffer(url: string): Promise<number>;
  close(): Promise<void>;
}

/** The clients, in the table's order (undici.request first: every ratio is to it). */
export const clientNames = ['undici.request', 'ferry', 'undici.fetch', 'fetch', 'got', 'axios', 'ky', 'node-fetch'] as const;
/** A client's name. */
export type ClientName = (typeof clientNames)[number];

/** The baseline every ratio is taken against. */
export const baseline: ClientName = 'undici.request';

async function drainWebStream(body: AsyncIterable<Uint8Array> | ReadableStream | null): Promise<number> {
  let n = 0;
  if (body === null) return n;
  for await (const chunk of body as AsyncIterable<Uint8Array>) n += chunk.byteLength;
  return n;
}

async function drainNodeStream(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of body) n += chunk.byteLength;
  return n;
}

const jsonHeaders = { 'content-type': 'application/json' };

function keepAliveAgent(connections: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
}

async function makeFerry(connections: number): Promise<BenchClient> {
  const { createClient } = await import('../src/index.node.js');
  const client = createClient({ node: { connections } });
  return {
    getText: async (url) => {
      const res = await client.get(url);
      if (!(res instanceof Response)) throw new Error('ferry: res is not a Response');
      return res.text();
    },
    postJson: async (url, value) => (await client.post(url, { json: value })).text(),
    stream: async (url) => drainWebStream((await client.get(url)).body),
    buffer: async (url) => (await (await client.get(url)).arrayBuffer()).byteLength,
    close: () => client.close(),
  };
}

async function makeUndiciRequest(connections: number): Promise<BenchClient> {
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({ connections });
  return {
    getText: async (url) => (await request(url, { dispatcher })).body.text(),
    postJson: async (url, value) =>
      (await request(url, { dispatcher, method: 'POST', headers: jsonHeaders, body: JSON.stringify(value) })).body.text(),
    stream: async (url) => drainNodeStream((await request(url, { dispatcher })).body),
    buffer: async (url) => (await (await request(url, { dispatcher })).body.arrayBuffer()).byteLength,
    close: () => dispatcher.close(),
  };
}

async function makeUndiciFetch(connections: number): Promise<BenchClient> {
  const { Agent, fetch } = await import('undici');
  const dispatcher = new Agent({ connections });
  return {
    getText: async (url) => (await fetch(url, { dispatcher })).text(),
    postJson: async (url, value) =>
      (await fetch(url, { dispatcher, method: 'POST', headers: jsonHeaders, body: JSON.stringify(value) })).text(),
    stream: async (url) => drainWebStream((await fetch(url, { dispatcher })).body),
    buffer: async (url) => (await (await fetch(url, { dispatcher })).arrayBuffer()).byteLength,
    close: () => dispatcher.close(),
  };
}

const globalDispatcherKey = Symbol.for('undici.globalDispatcher.1');

interface NodeDispatcher {
  close(): Promise<void>;
  constructor: new (opts: { connections: number }) => NodeDispatcher;
}

/**
 * Pools Node's own fetch (its bundled undici) to `connections` per origin: after one call has
 * made the global dispatcher, it is replaced by one of the same (bundled) Agent class.
 */
async function limitGlobalFetch(origin: string, connections: number): Promise<() => Promise<void>> {
  await (await globalThis.fetch(`${origin}/small`)).text();
  const g = globalThis as unknown as Record<symbol, NodeDispatcher | undefined>;
  const current = g[globalDispatcherKey];
  if (!current) throw new Error("fetch: Node's global dispatcher was not found");
  const limited = new current.constructor({ connections });
  g[globalDispatcherKey] = limited;
  await current.close();
  return () => limited.close();
}

async function makeGlobalFetch(connections: number, origin: string): Promise<BenchClient> {
  const close = await limitGlobalFetch(origin, connections);
  return {
    getText: async (url) => (await fetch(url)).text(),
    postJson: async (url, value) => (await fetch(url, { method: 'POST', headers: jsonHeaders, body: JSON.stringify(value) })).text(),
    stream: async (url) => drainWebStream((await fetch(url)).body),
    buffer: async (url) => (await (await fetch(url)).arrayBuffer()).byteLength,
    close,
  };
}

async function makeKy(connections: number, origin: string): Promise<BenchClient> {
  const close = await limitGlobalFetch(origin, connections);
  const { default: ky } = await import('ky');
  return {
    getText: (url) => ky.get(url).text(),
    postJson: (url, value) => ky.post(url, { json: value }).text(),
    stream: async (url) => drainWebStream((await ky.get(url)).body),
    buffer: async (url) => (await ky.get(url).arrayBuffer()).byteLength,
    close,
  };
}

async function makeGot(connections: number): Promise<BenchClient> {
  const { default: got } = await import('got');
  const agent = keepAliveAgent(connections);
  const client = got.extend({ agent: { http: agent } });
  return {
    getText: (url) => client.get(url).text(),
    postJson: (url, value) => client.post(url, { json: value }).text(),
    stream: (url) => drainNodeStream(client.stream(url)),
    buffer: async (url) => (await client.get(url).buffer()).byteLength,
    close: async () => agent.destroy(),
  };
}

async function makeAxios(connections: number): Promise<BenchClient> {
  const { default: axios } = await import('axios');
  const agent = keepAliveAgent(connections);
  const client = axios.create({ httpAgent: agent });
  return {
    getText: async (url) => (await client.get<string>(url, { responseType: 'text' })).data,
    postJson: async (url, value) => (await client.post<string>(url, value, { responseType: 'text' })).data,
    stream: async (url) => drainNodeStream((await client.get<AsyncIterable<Uint8Array>>(url, { responseType: 'stream' })).data),
    buffer: async (url) => (await client.get<ArrayBuffer>(url, { responseType: 'arraybuffer' })).data.byteLength,
    close: async () => agent.destroy(),
  };
}

async function makeNodeFetch(connections: number): Promise<BenchClient> {
  const { default: nodeFetch } = await import('node-fetch');
  const agent = keepAliveAgent(connections);
  return {
    getText: async (url) => (await nodeFetch(url, { agent })).text(),
    postJson: async (url, value) =>
      (await nodeFetch(url, { agent, method: 'POST', headers: jsonHeaders, body: JSON.stringify(value) })).text(),
    stream: async (url) => {
      const res = await nodeFetch(url, { agent });
      return res.body ? drainNodeStream(res.body as unknown as AsyncIterable<Uint8Array>) : 0;
    },
    buffer: async (url) => (await (await nodeFetch(url, { agent })).arrayBuffer()).byteLength,
    close: async () => agent.destroy(),
  };
}

/** Makes the named client, pooled to `connections` per origin. */
export function makeClient(name: ClientName, connections: number, origin: string): Promise<BenchClient> {
  switch (name) {
    case 'ferry':
      return makeFerry(connections);
    case 'undici.request':
      return makeUndiciRequest(connections);
    case 'undici.fetch':
      return makeUndiciFetch(connections);
    case 'fetch':
      return makeGlobalFetch(connections, origin);
    case 'ky':
      return makeKy(connections, origin);
    case 'got':
      return makeGot(connections);
    case 'axios':
      return makeAxios(connections);
    case 'node-fetch':
      return makeNodeFetch(connections);
  }
}
