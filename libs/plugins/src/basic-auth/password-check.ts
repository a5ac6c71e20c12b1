import { createHmac, randomBytes } from 'node:crypto';
import { verifyPasswordAsync } from '@gantry/config';
import { LRUCache } from 'lru-cache';

/**
 * Verifies passwords against stored scrypt hashes off the event loop, remembering successes so a credential
 * pays scrypt once per password rather than once per request. Only successes are kept (failures would let a
 * client grow the cache at will), and a check already running for the same input is shared.
 */
export class PasswordCheck {
  private readonly verified: LRUCache<string, true>;
  private readonly running = new Map<string, Promise<boolean>>();
  // Keys are keyed MACs, not plain digests, so a memory dump does not hand out guessable password hashes.
  private readonly pepper = randomBytes(32);

  constructor(max = 10_000) {
    this.verified = new LRUCache({ max });
  }

  /**
   * `true` at once when this exact password was verified for this credential and stored hash before;
   * otherwise a promise of the scrypt result. A new hash or credential id never matches an old entry.
   */
  check(credentialId: string, storedHash: string, password: string): true | Promise<boolean> {
    const key = createHmac('sha256', this.pepper)
      .update(credentialId)
      .update('\0')
      .update(storedHash)
      .update('\0')
      .update(password)
      .digest('base64');
    if (this.verified.get(key) === true) return true;
    let running = this.running.get(key);
    if (running === undefined) {
      running = verifyPasswordAsync(password, storedHash).then((ok) => {
        this.running.delete(key);
        if (ok) this.verified.set(key, true);
        return ok;
      });
      this.running.set(key, running);
    }
    return running;
  }

  /** Entries currently remembered (for tests and metrics). */
  get size(): number {
    return this.verified.size;
  }

  clear(): void {
    this.verified.clear();
  }
}
