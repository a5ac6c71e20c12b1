import type { ConfigEvent, ConfigState, FoldOutcome } from '@gantry/config';
import type { SnapshotRecord } from '@gantry/store';

/** What folding one log record did, as every replica computes it identically. */
export type ReplicaOutcome =
  | (FoldOutcome & { readonly event: ConfigEvent })
  /** The event repeated an idempotency key already folded: nothing changed; `first` is what the first one did. */
  | {
      readonly status: 'duplicate';
      readonly version: number;
      readonly event: ConfigEvent;
      readonly first: FoldOutcome & { readonly event: ConfigEvent };
    };

export interface ReplicaStatus {
  /** Version of the last record folded (0 before the first). */
  readonly version: number;
  /** `stateHash` of the folded content. */
  readonly hash: string;
  /** The log head when last observed; lag = headVersion - version. */
  readonly headVersion: number;
  readonly lag: number;
  /** True once the replica has folded everything the log held when it booted. */
  readonly caughtUp: boolean;
  /** Version of the snapshot it booted from (0 when it booted from an empty state). */
  readonly bootedFromSnapshot: number;
  /** Epoch ms of the last record folded, or null. */
  readonly lastAppliedAt: number | null;
  /** Set when the tail stopped on its own (log gone, corruption); the replica keeps serving its last version. */
  readonly lastError: string | null;
}

export type AppliedListener = (outcome: ReplicaOutcome, state: ConfigState) => void;

/**
 * One process's fold of the config log: boots from the newest snapshot, reads what the log no longer holds from
 * the event history, then tails the log. Every admin and proxy process owns exactly one.
 */
export interface ConfigReplica {
  start(): Promise<void>;
  /** The folded state. Read-only to callers; it changes only between records, never inside a changeset. */
  readonly state: ConfigState;
  version(): number;
  /** Resolves once `version()` >= v; rejects with `ReplicaTimeoutError` after `timeoutMs`. */
  waitForVersion(version: number, timeoutMs: number): Promise<void>;
  /** The outcome of a recently folded version (a bounded window), or undefined when it is older. */
  outcomeOf(version: number): ReplicaOutcome | undefined;
  /** The first event folded with this idempotency key (within the retention window), and what it did. */
  idempotent(key: string): (FoldOutcome & { readonly event: ConfigEvent }) | undefined;
  /** Called synchronously after each record is folded, in log order. Returns an unsubscribe function. */
  onApplied(listener: AppliedListener): () => void;
  /** Serialises the current state (and the idempotency window) for the snapshot store. */
  snapshot(): SnapshotRecord;
  status(): ReplicaStatus;
  close(): Promise<void>;
}

/** Result of a write: what the writer's own replica folded for the appended event. */
export type WriteResult = ReplicaOutcome;

export interface WriteOptions {
  /** Bound on append plus fold, default 5000 ms; past it the write rejects with `LogUnavailableError` (503). */
  readonly deadlineMs?: number;
}

/**
 * Appends config events and answers with their fold outcome (read-your-writes). Throws `LogUnavailableError`
 * when the log cannot take the event in time; nothing is applied then, unless the append itself landed, in
 * which case a retry with the same idempotency key answers with the first outcome.
 */
export interface ConfigWriter {
  write(event: ConfigEvent, options?: WriteOptions): Promise<WriteResult>;
}
