import type { LogRecord } from '@gantry/event-log';
import type { ReplicaFold } from '@gantry/replica';

/** What a target holds after a replay, read back the way a process booting from it would. */
export interface ReadBack {
  /** Every stored record folded from version 1. */
  readonly fromRecords: ReplicaFold;
  /** The newest stored snapshot, or null when none was stored (an empty replay). */
  readonly snapshot: ReplicaFold | null;
}

/** Where a replay writes: a fresh embedded data directory, or a fresh Cassandra keyspace. */
export interface ReplayTarget {
  /** For messages, e.g. `directory /tmp/replay` or `keyspace gantry_replay`. */
  readonly description: string;
  /** Refuses a target that holds anything (`ReplayTargetNotEmptyError`), then opens it for writing. */
  open(): Promise<void>;
  /** Stores the next records (versions 1, 2, 3, ..., in order). */
  write(records: readonly LogRecord[]): Promise<void>;
  /** Makes everything durable and stores a snapshot of `fold` (the state at the last record written). */
  finish(fold: ReplicaFold): Promise<void>;
  /** Reads back what the target holds (after `finish`). */
  readBack(): Promise<ReadBack>;
  /** Releases what the target holds open; after a failure, what was written stays (the target is not empty). */
  close(): Promise<void>;
}
