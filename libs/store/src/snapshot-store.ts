/**
 * A full configuration at one version, as the replica serialised it. The store never looks inside
 * `payload`; the replica owns its format (libs/replica), as the log never looks inside records.
 */
export interface SnapshotRecord {
  /** The config version the snapshot holds: every record up to and including it is folded in. */
  readonly version: number;
  /** sha256 hex of the config content (`stateHash`), so replicas can compare without loading. */
  readonly hash: string;
  /** Epoch ms when the snapshot was taken. */
  readonly takenAt: number;
  readonly payload: Buffer;
}

export type StoreBackendName = 'embedded' | 'cassandra';

export interface StoreHealth {
  readonly up: boolean;
  readonly backend: StoreBackendName;
  readonly detail: string;
  readonly lastError: string | null;
}

/**
 * The snapshot store port. Adapters: `EmbeddedSnapshotStore` (files under `<dataDir>/snapshots`) and
 * `CassandraSnapshotStore` (chunked rows). Saving the same version twice is harmless.
 */
export interface SnapshotStore {
  start(): Promise<void>;
  /** The newest complete snapshot, or null when none was ever saved. A half-written snapshot is never returned. */
  latest(): Promise<SnapshotRecord | null>;
  /**
   * The newest complete snapshot at or below `version` (the base for the configuration as it was then), or null
   * when none is kept that old. Damaged ones are skipped. Reads stay bounded however many snapshots exist.
   */
  atOrBefore(version: number): Promise<SnapshotRecord | null>;
  /**
   * Durably stores a snapshot. Older ones are pruned except the newest few and one checkpoint per window of
   * versions (see `SnapshotRetention`).
   */
  save(snapshot: SnapshotRecord): Promise<void>;
  /** Answers from state the store already holds; never does I/O. */
  health(): StoreHealth;
  close(): Promise<void>;
}
