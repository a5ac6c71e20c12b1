import type { ConfigState } from '@gantry/config';
import { childLogger, type Logger } from '@gantry/logging';
import { ReplicaFold, type IdempotencyLimits } from '@gantry/replica';
import { newFold } from '../replay/new-fold';
import type { SnapshotRecord, SnapshotStore } from '@gantry/store';
import { BadPointError } from './errors';
import { parsePoint } from './point';
import type { RecordSource } from './record-source';

/** The configuration as it was at one version. */
export interface PastState {
  readonly version: number;
  /** The folded state; read-only (it may be shared with a cache or the live replica). */
  readonly state: ConfigState;
  /** The snapshot the fold started from (0: from an empty state). */
  readonly snapshotVersion: number;
  /** Records folded on top of the snapshot. */
  readonly folded: number;
}

/** A point resolved to a version; `time` is set when the caller gave a time. */
export interface ResolvedPoint {
  readonly version: number;
  /** Epoch ms the caller asked for. */
  readonly time?: number;
}

export interface TimeTravelOptions {
  /** Snapshots, looked up with `atOrBefore`. */
  readonly snapshots: Pick<SnapshotStore, 'atOrBefore'>;
  readonly records: RecordSource;
  /** Must match the replicas' limits, or duplicates would fold differently. */
  readonly idempotency?: IdempotencyLimits;
  /** Wall clock (epoch ms) for refusing future times; tests set it. */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * The configuration at any past version: the newest snapshot at or below it plus a fold of the records after it,
 * through `ReplicaFold`, the replicas' own fold (idempotency window included), so the result is exactly
 * `fold(log[1..v])`. A past version never replays from version 1 when a snapshot that old is kept.
 */
export class TimeTravel {
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly options: TimeTravelOptions) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? childLogger('time-travel');
  }

  /**
   * Resolves a parameter (a version, or an RFC 3339 time) against `head`, the newest version the caller knows.
   * Throws {@link BadPointError} naming `param` for a malformed value, a version beyond `head`, or a future time.
   */
  async resolve(param: string, raw: unknown, head: number): Promise<ResolvedPoint> {
    const point = parsePoint(param, raw);
    if (point.kind === 'version') {
      if (point.version > head) {
        throw new BadPointError(param, `version ${point.version} is beyond the newest version ${head}`);
      }
      return { version: point.version };
    }
    if (point.time > this.now()) {
      throw new BadPointError(param, `${new Date(point.time).toISOString()} is in the future`);
    }
    return { version: await this.versionAt(point.time, head), time: point.time };
  }

  /**
   * The last version (up to `head`) whose event timestamp is at or before `time`; 0 when the first event is later.
   * Found by bisection over single-row reads, which takes the writers' timestamps as non-decreasing along the log
   * (one clock, or clocks in sync); where two writers' clocks disagree, the answer is a version at which the
   * timestamps cross `time`.
   */
  async versionAt(time: number, head: number): Promise<number> {
    let low = 0; // timestamp(low) <= time, with version 0 before everything
    let high = head + 1; // timestamp(high) > time, with head + 1 after everything
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      if ((await this.options.records.eventTimestamp(mid)) <= time) low = mid;
      else high = mid;
    }
    return low;
  }

  /** The state at `version`: nearest snapshot at or below it, then the records after it folded. */
  async stateAt(version: number): Promise<PastState> {
    if (!Number.isSafeInteger(version) || version < 0) throw new BadPointError('version', `invalid version ${version}`);
    const fold = await this.baseFor(version);
    const snapshotVersion = fold.version;
    if (snapshotVersion < version) {
      for await (const record of this.options.records.read(snapshotVersion + 1, version)) fold.apply(record);
    }
    if (fold.version !== version) throw new Error(`time travel folded to ${fold.version}, not ${version}`);
    return { version, state: fold.state, snapshotVersion, folded: version - snapshotVersion };
  }

  /** A fold restored from the newest usable snapshot at or below `version`, or an empty one. */
  private async baseFor(version: number): Promise<ReplicaFold> {
    let below = version;
    for (;;) {
      const snapshot: SnapshotRecord | null = await this.options.snapshots.atOrBefore(below);
      // With no snapshot old enough the fold starts empty, with the replicas' own idempotency limits.
      if (snapshot === null) return newFold(this.options.idempotency);
      try {
        return ReplicaFold.fromSnapshot(snapshot, this.options.idempotency);
      } catch (error) {
        this.logger.warn(
          { version: snapshot.version, err: error instanceof Error ? error.message : String(error) },
          'an unusable snapshot; trying an older one',
        );
        if (snapshot.version === 0) return newFold(this.options.idempotency);
        below = snapshot.version - 1;
      }
    }
  }
}
