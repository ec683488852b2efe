/**
 * The error the sync client throws for a response body over `maxBodyBytes`.
 * @module
 */
import { FerryError, type FerryErrorInit } from '../core/kit.js';

/**
 * A response body was larger than the sync client's `maxBodyBytes`; it was not read further
 * (the body of a sync response is held in memory whole). `limit` is the cap in bytes.
 * @example
 * try { sync.get('/huge') } catch (e) { if (e instanceof BodyTooLargeError) console.log(e.limit) }
 */
export class BodyTooLargeError extends FerryError {
  readonly limit: number;
  constructor(message: string, limit: number, init?: FerryErrorInit) {
    super(message, init, 'ERR_BODY_TOO_LARGE');
    this.limit = limit;
  }
}
