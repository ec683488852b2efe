/**
 * Sending requests through an HTTP proxy that wants credentials: the proxy URL carries them,
 * ferry sends `Proxy-Authorization` to the proxy only, never to the origin. A `proxy` function
 * picks a proxy per request (null: direct).
 * Starts an origin server and a small forward proxy on 127.0.0.1 (free ports), prints, exits.
 * In your project, import from 'ferry' and 'ferry/node' instead of '../src/…'.
 */
import { createServer, request as forward } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '../src/index.node.js';
import { createNodeTransport } from '../src/transports/node/index.js';

const origin = createServer((req, res) => {
  res.end(`origin got ${req.method} ${req.url}; proxy-authorization seen by origin: ${req.headers['proxy-authorization'] ?? 'none'}`);
});
await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

// A minimal forward proxy: absolute-form requests, Basic proxy auth, a log of what passed.
const proxied: string[] = [];
const proxy = createServer((req, res) => {
  const expected = `Basic ${Buffer.from('scout:tr4il').toString('base64')}`;
  if (req.headers['proxy-authorization'] !== expected) {
    return void res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
  }
  proxied.push(`${req.method} ${req.url}`);
  const { 'proxy-authorization': _auth, ...headers } = req.headers;
  const upstream = forward(req.url ?? '', { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyPort = (proxy.address() as AddressInfo).port;

// proxy:begin
const viaProxy = createClient({ node: { proxy: `http://scout:tr4il@127.0.0.1:${proxyPort}` } });
console.log(await (await viaProxy.get(`${originUrl}/catalog?page=1`)).text());

// Per request: only /reports go through the proxy (a transport made with its typed options).
const transport = createNodeTransport({
  proxy: (url) => (url.pathname.startsWith('/reports') ? `http://scout:tr4il@127.0.0.1:${proxyPort}` : null),
});
const chooser = createClient({ transport });
await chooser.get(`${originUrl}/reports/q3`);
await chooser.get(`${originUrl}/health`);
// proxy:end
console.log('the proxy forwarded:', proxied);

const noCredentials = createClient({ node: { proxy: `http://127.0.0.1:${proxyPort}` } });
const refused = await noCredentials.get(`${originUrl}/catalog`).catch((e: Error & { code?: string; status?: number }) => e);
console.log('without credentials:', refused instanceof Error ? `${refused.code} ${refused.status ?? ''}`.trim() : refused.status);

await Promise.all([viaProxy.close(), chooser.close(), noCredentials.close()]);
origin.close();
proxy.close();
