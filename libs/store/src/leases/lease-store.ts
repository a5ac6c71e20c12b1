/**
 * A named, time-bounded lock held by one process at a time (the discovery leader). Every method is one atomic
 * step: a holder only keeps the lease by renewing it before its TTL ends.
 */
export interface LeaseStore {
  /** Takes the lease when nobody holds it; true when `holder` now holds it. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease if `holder` still holds it; false when it was lost (expired, taken). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it (a clean shutdown: a standby takes over at once). */
  release(name: string, holder: string): Promise<void>;
  /** Who holds the lease now, or null. */
  holder(name: string): Promise<string | null>;
}
