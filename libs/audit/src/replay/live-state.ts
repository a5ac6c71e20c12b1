import { ReplicaFold, type IdempotencyLimits } from '@gantry/replica';
import type { SnapshotStore } from '@gantry/store';
import { newFold } from './new-fold';
import type { ReplaySource } from './replay-source';

export interface LiveStateOptions {
  /** The live cluster's log and history. */
  readonly source: ReplaySource;
  /** The live cluster's snapshots: the fold starts from the nearest one at or below the version. */
  readonly snapshots?: SnapshotStore;
  readonly idempotency?: IdempotencyLimits;
}

export interface LiveState {
  readonly fold: ReplicaFold;
  /** The live snapshot the fold started from, or null when it started from version 1. */
  readonly snapshotVersion: number | null;
}

/**
 * The live cluster's configuration at `version`, as its replicas would compute it: the nearest snapshot the
 * persister stored at or below `version`, then the records after it. A snapshot that cannot be decoded is passed
 * over for a fold from version 1.
 */
export async function liveStateAt(version: number, options: LiveStateOptions): Promise<LiveState> {
  const snapshot = options.snapshots ? await options.snapshots.atOrBefore(version) : null;
  let fold = newFold(options.idempotency);
  let snapshotVersion: number | null = null;
  if (snapshot) {
    try {
      fold = ReplicaFold.fromSnapshot(snapshot, options.idempotency);
      snapshotVersion = snapshot.version;
    } catch {
      fold = newFold(options.idempotency);
    }
  }
  for await (const record of options.source.records(fold.version + 1, version)) fold.apply(record);
  return { fold, snapshotVersion };
}
