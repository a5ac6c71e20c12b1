import type { LeaseStore } from './lease-store';

/** Leases for processes that share memory (standalone mode, tests). */
export class MemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, { holder: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const current = this.live(name);
    if (current !== undefined && current.holder !== holder) return Promise.resolve(false);
    this.leases.set(name, { holder, expiresAt: this.now() + ttlMs });
    return Promise.resolve(true);
  }

  renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const current = this.live(name);
    if (current?.holder !== holder) return Promise.resolve(false);
    current.expiresAt = this.now() + ttlMs;
    return Promise.resolve(true);
  }

  release(name: string, holder: string): Promise<void> {
    if (this.live(name)?.holder === holder) this.leases.delete(name);
    return Promise.resolve();
  }

  holder(name: string): Promise<string | null> {
    return Promise.resolve(this.live(name)?.holder ?? null);
  }

  private live(name: string): { holder: string; expiresAt: number } | undefined {
    const lease = this.leases.get(name);
    if (lease !== undefined && lease.expiresAt <= this.now()) {
      this.leases.delete(name);
      return undefined;
    }
    return lease;
  }
}
