import type { ReplicaFold } from '@gantry/replica';
import { describeDifference, firstDifference } from './compare-states';
import { ReplayVerifyMismatchError } from './errors';
import { liveStateAt, type LiveStateOptions } from './live-state';
import type { ReplayResult } from './replay';
import type { ReplayTarget } from './targets/replay-target';

export interface VerifyReplayOptions extends LiveStateOptions {
  /** The target the replay wrote (read back, not the replay's memory). */
  readonly target: ReplayTarget;
  readonly result: ReplayResult;
}

export interface VerifyReport {
  readonly version: number;
  readonly hash: string;
  /** The live snapshot the live state was folded from, or null when from version 1. */
  readonly liveSnapshotVersion: number | null;
}

/**
 * Compares what the target holds with the live cluster's configuration at the replayed version: the target's records
 * folded from version 1, and the target's snapshot, each against the live state (nearest live snapshot plus the
 * records after it). Throws `ReplayVerifyMismatchError` naming the first entity that differs.
 */
export async function verifyReplay(options: VerifyReplayOptions): Promise<VerifyReport> {
  const { result, target } = options;
  const version = result.version;
  const live = await liveStateAt(version, options);
  const back = await target.readBack();
  const compared: [string, ReplicaFold | null][] = [
    [`the records in ${target.description}`, back.fromRecords],
    [`the snapshot in ${target.description}`, version === 0 ? back.fromRecords : back.snapshot],
  ];
  for (const [what, fold] of compared) {
    if (fold === null) throw new ReplayVerifyMismatchError(version, null, `${what}: no snapshot was stored`);
    if (fold.version !== version) {
      throw new ReplayVerifyMismatchError(version, null, `${what} are at version ${fold.version}, not ${version}`);
    }
    const difference = firstDifference(fold.state, live.fold.state);
    if (difference !== null) {
      throw new ReplayVerifyMismatchError(
        version,
        difference,
        `${what} differ from the live configuration at version ${version}: ${describeDifference(difference)}`,
      );
    }
  }
  return { version, hash: live.fold.hash(), liveSnapshotVersion: live.snapshotVersion };
}
