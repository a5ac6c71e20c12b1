import { StoreInvalidError } from './errors';

/** Snapshots kept besides checkpoints, newest first, unless configured. */
export const DEFAULT_SNAPSHOT_KEEP = 3;
/** Versions per checkpoint window unless configured: time travel folds at most about this many records. */
export const DEFAULT_CHECKPOINT_EVERY = 5_000;

/**
 * Which snapshots survive pruning: the newest `keep`, plus a checkpoint per window of `checkpointEvery` versions
 * (the first snapshot saved in `[k·N, (k+1)·N)`), so the configuration at any past version is a snapshot plus a
 * fold of at most about N records away. `checkpointEvery: 0` keeps no checkpoints.
 */
export interface SnapshotRetention {
  readonly keep?: number;
  readonly checkpointEvery?: number;
}

export interface ResolvedRetention {
  readonly keep: number;
  readonly checkpointEvery: number;
}

export function resolveRetention(options: SnapshotRetention): ResolvedRetention {
  const keep = options.keep ?? DEFAULT_SNAPSHOT_KEEP;
  const checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  if (!Number.isInteger(keep) || keep < 1) throw new StoreInvalidError('keep must be an integer >= 1');
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 0) {
    throw new StoreInvalidError('checkpointEvery must be an integer >= 0');
  }
  return { keep, checkpointEvery };
}

/**
 * True when the snapshot at `version`, whose predecessor (the newest snapshot older than it, whether or not it
 * was pruned since) is `previous`, is the first of its checkpoint window. Checkpoints are never pruned, so this
 * needs no look at the other snapshots.
 */
export function isCheckpoint(retention: ResolvedRetention, version: number, previous: number | null): boolean {
  const every = retention.checkpointEvery;
  if (every === 0) return false;
  return previous === null || Math.floor(previous / every) < Math.floor(version / every);
}

/**
 * The versions to delete from a set of stored snapshot versions: everything but the newest `keep` and the first
 * (lowest) version of each checkpoint window.
 */
export function prunable(retention: ResolvedRetention, versions: readonly number[]): number[] {
  const newestFirst = [...versions].sort((a, b) => b - a);
  const ascending = [...newestFirst].reverse();
  const checkpoints = new Set<number>();
  ascending.forEach((version, i) => {
    if (isCheckpoint(retention, version, i === 0 ? null : ascending[i - 1])) checkpoints.add(version);
  });
  return newestFirst.slice(retention.keep).filter((version) => !checkpoints.has(version));
}
