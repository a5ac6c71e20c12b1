import { randomFillSync } from 'node:crypto';

const ID_BYTES = 16;
const POOL_IDS = 256;

/**
 * Kong-style request ids (32 hex characters, random), drawn from a pool refilled 256 ids at a time so the
 * request path does not call into the CSPRNG on every request.
 */
export class RequestIds {
  private readonly pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
  private next = POOL_IDS;

  take(): string {
    if (this.next === POOL_IDS) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    const start = this.next++ * ID_BYTES;
    return this.pool.toString('hex', start, start + ID_BYTES);
  }
}
