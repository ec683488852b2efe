/**
 * A minimal in-test Transport: hands each request to a function. For unit tests of core logic
 * (the public mock transport lives in src/transports/mock).
 */
import type { Capabilities, ExchangeContext, Transport } from '../../src/core/index.js';

const all: Capabilities = {
  manualRedirects: true,
  cookieHeaders: true,
  rawBody: true,
  streamingUpload: true,
  proxy: false,
  tls: false,
  unixSocket: false,
  http2: false,
  websocketHeaders: false,
  expectContinue: false,
};

export interface InlineTransport extends Transport {
  readonly requests: Request[];
  readonly contexts: ExchangeContext[];
}

export function inlineTransport(
  handler: (request: Request, ctx: ExchangeContext) => Response | Promise<Response>,
  capabilities: Partial<Capabilities> = {},
): InlineTransport {
  const requests: Request[] = [];
  const contexts: ExchangeContext[] = [];
  return {
    name: 'inline',
    capabilities: { ...all, ...capabilities },
    requests,
    contexts,
    async send(request, ctx) {
      requests.push(request);
      contexts.push(ctx);
      return handler(request, ctx);
    },
  };
}
