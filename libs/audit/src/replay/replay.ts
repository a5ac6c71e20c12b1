import { decodeRecord, type DecodedRecord, type IdempotencyLimits, type ReplicaFold } from '@gantry/replica';
import { ReplayInvalidError } from './errors';
import { newFold } from './new-fold';
import { ProgressMeter, type ReplayProgress } from './progress';
import type { ReplaySource, SourceSegment } from './replay-source';
import type { ReplayTarget } from './targets/replay-target';
import { describeUntil, type ReplayUntil } from './until';

export interface ReplayOptions {
  readonly source: ReplaySource;
  readonly until: ReplayUntil;
  readonly target: ReplayTarget;
  /** Must match the cluster's replicas, so duplicates are recognised exactly as they were live. */
  readonly idempotency?: IdempotencyLimits;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Least time between two progress reports, default 100 ms. */
  readonly progressEveryMs?: number;
  readonly now?: () => number;
}

export interface ReplayResult {
  /** The version the target now holds. */
  readonly version: number;
  /** `stateHash` of the replayed configuration. */
  readonly hash: string;
  readonly fromHistory: number;
  readonly fromLog: number;
  readonly elapsedMs: number;
  /** Of `elapsedMs`, the time the target took to make the records durable and save the final snapshot. */
  readonly finishMs: number;
  /** The replayed state (and idempotency window) at `version`. */
  readonly fold: ReplicaFold;
}

/**
 * Rebuilds the configuration from the log into a fresh target: every version from 1 up to `until` (a version, or
 * the last event written at or before a time), from the event history where the log no longer holds it, then from
 * the log. Each record is folded with the replicas' own fold and written to the target; the target then stores a
 * snapshot of the result. A failed replay leaves what it wrote: delete the target before trying again.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const { source, until, target } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const head = await source.headVersion();
  if ('version' in until && until.version > head) {
    throw new ReplayInvalidError(`${describeUntil(until)} is beyond the head of the log (version ${head})`);
  }
  const last = 'version' in until ? until.version : head;
  const untilTime = 'time' in until ? until.time : null;
  const meter = new ProgressMeter(last, now);
  const everyMs = options.progressEveryMs ?? 100;
  const counts = { history: 0, log: 0 };
  let segment: SourceSegment['source'] | null = null;
  let reportedAt = Number.NEGATIVE_INFINITY;
  const report = (done: number, force = false, finished = false): void => {
    if (!options.onProgress) return;
    const at = now();
    if (!force && at - reportedAt < everyMs) return;
    reportedAt = at;
    const progress = meter.sample(done, segment);
    // A replay until a time stops before the head it was measured against: the last report says it is complete.
    options.onProgress(finished ? { ...progress, total: done, etaMs: 0 } : progress);
  };

  const fold = newFold(options.idempotency);
  let finishMs = 0;
  await target.open();
  try {
    report(0, true);
    let stopped = false;
    for await (const batch of source.batches(1, last, (s) => (segment = s.source))) {
      // Folded first, then written: what the target holds was folded (and a record the fold refuses is not kept).
      let folded = 0;
      try {
        for (; folded < batch.length; folded++) {
          const record = batch[folded];
          // Events carry the writer's clock; the replay stops before the first one written after the time.
          let decoded: DecodedRecord | undefined;
          if (untilTime !== null) {
            decoded = decodeRecord(record);
            if (decoded.event.timestamp > untilTime) {
              stopped = true;
              break;
            }
          }
          fold.apply(record, decoded);
        }
      } finally {
        if (folded > 0) await target.write(folded === batch.length ? batch : batch.slice(0, folded));
        counts[segment ?? 'log'] += folded;
      }
      report(fold.version);
      if (stopped) break;
    }
    const finishing = now();
    await target.finish(fold);
    finishMs = now() - finishing;
    report(fold.version, true, true);
  } finally {
    await target.close();
  }
  return {
    version: fold.version,
    hash: fold.hash(),
    fromHistory: counts.history,
    fromLog: counts.log,
    elapsedMs: now() - startedAt,
    finishMs,
    fold,
  };
}
