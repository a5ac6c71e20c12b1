import { LRUCache } from 'lru-cache';
import type { Windows } from '../windows';
import type { RateLimitPolicy } from './policy';

/** One identifier's counts: the window each slot counts in, and its count (one slot per configured period). */
interface Counters {
  readonly starts: number[];
  readonly counts: number[];
  /** End of the longest period's window: once past, every slot is stale. */
  expiresAt: number;
}

/** Identifiers kept per instance; beyond it the least recently seen are forgotten (their budget restarts). */
export const LOCAL_MAX_IDENTIFIERS = 100_000;
/** How often windows that ended are swept out. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Kong's `local` policy: counters in this replica's memory, in fixed windows aligned to period boundaries.
 * Synchronous. Memory is bounded by an LRU of identifiers, and identifiers whose windows all ended are swept.
 */
export class LocalPolicy implements RateLimitPolicy {
  private readonly counters: LRUCache<string, Counters>;
  private readonly scratch: number[];
  private nextSweepAt = 0;

  constructor(
    private readonly periodCount: number,
    private readonly now: () => number,
    max = LOCAL_MAX_IDENTIFIERS,
  ) {
    this.counters = new LRUCache({ max });
    this.scratch = new Array<number>(periodCount).fill(0);
  }

  usage(identifier: string, windows: Windows): readonly number[] {
    this.sweepIfDue();
    const entry = this.counters.get(identifier);
    const out = this.scratch;
    for (let i = 0; i < this.periodCount; i++) {
      out[i] = entry !== undefined && entry.starts[i] === windows.starts[i] ? entry.counts[i] : 0;
    }
    return out;
  }

  increment(identifier: string, windows: Windows): void {
    let entry = this.counters.get(identifier);
    if (entry === undefined) {
      entry = { starts: [...windows.starts], counts: new Array<number>(this.periodCount).fill(0), expiresAt: 0 };
      this.counters.set(identifier, entry);
    }
    for (let i = 0; i < this.periodCount; i++) {
      if (entry.starts[i] !== windows.starts[i]) {
        entry.starts[i] = windows.starts[i];
        entry.counts[i] = 0;
      }
      entry.counts[i]++;
    }
    entry.expiresAt = windows.ends[this.periodCount - 1];
  }

  /** Identifiers currently counted (for tests and metrics). */
  get size(): number {
    return this.counters.size;
  }

  private sweepIfDue(): void {
    const now = this.now();
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    const ended: string[] = [];
    for (const [identifier, entry] of this.counters.entries()) if (entry.expiresAt <= now) ended.push(identifier);
    for (const identifier of ended) this.counters.delete(identifier);
  }
}
