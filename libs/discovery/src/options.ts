import type { BuildContext, ConfigState } from '@gantry/config';
import type { Logger } from '@gantry/logging';
import type { ConfigWriter } from '@gantry/replica';
import { InvalidReconcilerOptionsError } from './errors';
import type { RetryOptions } from './retry-delay';
import { checkSourceId } from './source';
import type { Clock, Timers } from './timers';

/** Default empty-payload grace period. */
export const DEFAULT_EMPTY_GRACE_MS = 30_000;
/** Default flap-damping interval per target. */
export const DEFAULT_MIN_CHANGE_INTERVAL_MS = 1_000;

export interface ReconcilerOptions {
  /** Source id, `consul:dc1` or `k8s:<cluster>`; the owner tag is `discovery:<source>`. */
  readonly source: string;
  /** The process's fold (`plane.replica`): what is diffed against. */
  readonly fold: { readonly state: ConfigState };
  /** The read-your-writes writer (`plane.writer`): once it answers, `fold.state` holds the write. */
  readonly writer: ConfigWriter;
  /** `origin_region` of the events (settings.region), default `local`. */
  readonly region?: string;
  /** How long zero instances must last before an upstream's owned targets go; default 30 s, 0 disables. */
  readonly emptyGraceMs?: number;
  /**
   * Hold only upstreams on which the source owns at least this many targets; default 1 (every upstream). 2 lets
   * the last instance of a single-instance service leave at once.
   */
  readonly emptyGraceMinTargets?: number;
  /** Flap damping: minimum time between two changes of one target; default 1 s, 0 disables. */
  readonly minChangeIntervalMs?: number;
  /** Delays between attempts when the log cannot take the event. */
  readonly retry?: RetryOptions;
  /** Bound on one append plus its fold, handed to the writer (default: the writer's, 5 s). */
  readonly writeDeadlineMs?: number;
  /**
   * Changes per event, default unlimited: one reconciliation is one event. A log that refuses a record as too
   * large halves it (for the life of the reconciler), so a huge initial sync becomes a few events, not none.
   */
  readonly maxChangesPerEvent?: number;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Ids and clocks for the entities built (tests); `now` defaults to `clock`. */
  readonly build?: Partial<BuildContext>;
  readonly logger?: Logger;
}

function nonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0)) {
    throw new InvalidReconcilerOptionsError(`reconciler option ${name} must be a number >= 0, got ${String(value)}`);
  }
}

/** Throws {@link InvalidReconcilerOptionsError} (or `InvalidSourceError`) on options a reconciler cannot run with. */
export function checkReconcilerOptions(options: ReconcilerOptions): void {
  checkSourceId(options.source);
  if (typeof options.fold !== 'object' || options.fold === null) {
    throw new InvalidReconcilerOptionsError('reconciler option fold (the replica) is required');
  }
  if (typeof options.writer?.write !== 'function') {
    throw new InvalidReconcilerOptionsError('reconciler option writer is required');
  }
  nonNegative('emptyGraceMs', options.emptyGraceMs);
  nonNegative('minChangeIntervalMs', options.minChangeIntervalMs);
  nonNegative('emptyGraceMinTargets', options.emptyGraceMinTargets);
  nonNegative('writeDeadlineMs', options.writeDeadlineMs);
  nonNegative('retry.minDelayMs', options.retry?.minDelayMs);
  nonNegative('retry.maxDelayMs', options.retry?.maxDelayMs);
  const { maxChangesPerEvent, retry } = options;
  if (maxChangesPerEvent !== undefined && !(maxChangesPerEvent >= 1)) {
    throw new InvalidReconcilerOptionsError('reconciler option maxChangesPerEvent must be >= 1');
  }
  if (retry?.maxAttempts !== undefined && !(retry.maxAttempts >= 1)) {
    throw new InvalidReconcilerOptionsError('reconciler option retry.maxAttempts must be >= 1');
  }
}
