import type { AuditDimension, AuditEntry, AuditSummary } from '@gantry/store';
import type { EntityKind } from '@gantry/config';

/** An entity an alias (id or name) pointed at. */
export interface AliasTarget {
  readonly kind: EntityKind;
  readonly id: string;
}

/**
 * What the audit query planner needs from a store. Adapters: Cassandra (the persister's query tables) and the
 * embedded in-memory index. Every stream is newest first and bounded by `[lo, hi]` (inclusive versions).
 */
export interface AuditBackend {
  /** Every version up to this one is queryable. */
  queryableVersion(): Promise<number>;
  /** Waits up to `timeoutMs` until `version` is queryable; resolves either way. */
  sync(version: number, timeoutMs: number): Promise<void>;
  /** Versions indexed under `(dimension, value)`. */
  indexed(dimension: AuditDimension, value: string, lo: number, hi: number): AsyncIterable<number>;
  /** Every event in the range; only within `buckets` (audit buckets, newest first) when given. */
  scan(lo: number, hi: number, buckets?: readonly number[]): AsyncIterable<AuditSummary>;
  /** Audit buckets holding events whose time is within `[since, until]` (epoch ms), newest first. */
  timeBuckets(since: number | undefined, until: number | undefined): Promise<number[]>;
  /** The entities that had this id or name. */
  aliases(alias: string): Promise<AliasTarget[]>;
  /** Summaries of these versions (any order; missing ones are left out). */
  summaries(versions: readonly number[]): Promise<AuditSummary[]>;
  /** One event with its changes, or undefined. */
  entry(version: number): Promise<AuditEntry | undefined>;
}
