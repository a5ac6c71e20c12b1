import type { ConfigEvent, FoldOutcome } from '@gantry/config';

/** What the first event carrying an idempotency key did. */
export type FirstOutcome = FoldOutcome & { readonly event: ConfigEvent };

export interface IdempotencyLimits {
  /** Keys remembered at most, default 10000 (each entry holds the first event and its outcome). */
  readonly maxKeys?: number;
  /** Keys older than this, measured in event time, are forgotten. Default 24 h. */
  readonly maxAgeMs?: number;
}

export const DEFAULT_IDEMPOTENCY_LIMITS: Required<IdempotencyLimits> = { maxKeys: 10_000, maxAgeMs: 24 * 3_600_000 };

interface Entry {
  readonly key: string;
  readonly timestamp: number;
  readonly first: FirstOutcome;
}

/** The window as it is stored in snapshots. */
export interface IdempotencyWindowJson {
  readonly max_timestamp: number;
  readonly entries: readonly { key: string; timestamp: number; first: FirstOutcome }[];
}

/**
 * The idempotency keys folded recently, and what their first event did. Every replica must forget a key at the
 * same version, so retention depends only on what was folded: a count, and an age measured against the newest
 * event timestamp folded so far (never the wall clock). Insertion order is fold order, so eviction from the front
 * is deterministic even though writers' clocks disagree.
 */
export class IdempotencyWindow {
  private readonly entries = new Map<string, Entry>();
  private maxTimestamp: number;
  private readonly limits: Required<IdempotencyLimits>;

  constructor(limits: IdempotencyLimits = {}, maxTimestamp = 0) {
    this.limits = { ...DEFAULT_IDEMPOTENCY_LIMITS, ...limits };
    this.maxTimestamp = maxTimestamp;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): FirstOutcome | undefined {
    return this.entries.get(key)?.first;
  }

  /** Moves event time forward to `timestamp` (if it is newer) and forgets what fell out of the window. */
  advance(timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    // Runs for every record folded, so no iterator at all for an empty window and no [key, value] pair per step.
    if (this.entries.size === 0) return;
    const cutoff = this.maxTimestamp - this.limits.maxAgeMs;
    for (const entry of this.entries.values()) {
      if (entry.timestamp >= cutoff) break;
      this.entries.delete(entry.key);
    }
  }

  /** Remembers the first outcome of `key`; a key already present keeps its first outcome. */
  remember(key: string, timestamp: number, first: FirstOutcome): void {
    if (this.entries.has(key)) return;
    this.entries.set(key, { key, timestamp, first });
    while (this.entries.size > this.limits.maxKeys) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  toJSON(): IdempotencyWindowJson {
    return {
      max_timestamp: this.maxTimestamp,
      entries: [...this.entries.values()].map((entry) => ({
        key: entry.key,
        timestamp: entry.timestamp,
        first: entry.first,
      })),
    };
  }

  static fromJSON(json: unknown, limits: IdempotencyLimits = {}): IdempotencyWindow {
    const value = json as Partial<IdempotencyWindowJson> | null;
    if (typeof value !== 'object' || value === null || !Array.isArray(value.entries)) {
      throw new Error('invalid snapshot: idempotency window must hold an entries array');
    }
    if (typeof value.max_timestamp !== 'number') throw new Error('invalid snapshot: idempotency max_timestamp');
    const window = new IdempotencyWindow(limits, value.max_timestamp);
    const entries: readonly Partial<IdempotencyWindowJson['entries'][number]>[] = value.entries;
    for (const entry of entries) {
      if (typeof entry.key !== 'string' || typeof entry.timestamp !== 'number' || typeof entry.first !== 'object') {
        throw new Error('invalid snapshot: malformed idempotency entry');
      }
      window.remember(entry.key, entry.timestamp, entry.first);
    }
    return window;
  }
}
