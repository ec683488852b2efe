/**
 * @module ferry/mock — the mock transport: msw request handlers or a plain function, every
 * request recorded, the whole middleware chain on top. Platform-neutral.
 */
export type { RecordedRequest } from './record.js';
export {
  createMockTransport,
  type MockHandler,
  type MockHandlerFunction,
  type MockTransport,
  type MockTransportOptions,
  type MswRequestHandler,
} from './transport.js';
