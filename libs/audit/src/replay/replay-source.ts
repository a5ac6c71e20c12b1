import { LogGapError, type ConfigLog, type LogRecord } from '@gantry/event-log';
import type { EventHistory } from '@gantry/store';
import { ReplayInvalidError, ReplaySourceIncompleteError } from './errors';
import { readLogBatches } from './log-range';

/** Records the history is read into before they are handed on. */
const HISTORY_BATCH = 1_024;

export interface ReplaySourceOptions {
  /** A started log (Kafka). Without it every version comes from the history. */
  readonly log?: ConfigLog;
  /** The event history (Cassandra). Without it every version must still be in the log. */
  readonly history?: EventHistory;
  /** How often a read resumes after the log dropped versions while they were being read. Default 5. */
  readonly gapRetries?: number;
}

/** Where a range of versions is read from, reported as the replay switches sources. */
export interface SourceSegment {
  readonly source: 'history' | 'log';
  readonly from: number;
  readonly to: number;
}

/**
 * The config log as far back as it goes: the versions the log (Kafka) no longer holds come from the event history
 * (Cassandra), the rest from the log. Reads never skip a version: a version in neither is an error.
 */
export class ReplaySource {
  constructor(private readonly options: ReplaySourceOptions) {
    if (!options.log && !options.history)
      throw new ReplayInvalidError('a replay needs a log, an event history or both');
  }

  /** The newest version there is to replay: the log head, or the history's when there is no log. */
  async headVersion(): Promise<number> {
    const { log, history } = this.options;
    return log ? log.headVersion() : history!.persistedVersion();
  }

  /** The first version the log still holds; beyond the head when there is no log. */
  async earliestInLog(): Promise<number> {
    const { log } = this.options;
    return log ? log.earliestVersion() : Number.POSITIVE_INFINITY;
  }

  /** Records `from..to` in order, each exactly once: {@link batches} flattened. */
  async *records(from: number, to: number, onSegment?: (segment: SourceSegment) => void): AsyncGenerator<LogRecord> {
    for await (const batch of this.batches(from, to, onSegment)) yield* batch;
  }

  /**
   * Records `from..to` in order, each exactly once, in batches. Switches from the history to the log at the log's
   * earliest version; when the log drops versions while they are read (retention), reads them from the history
   * instead.
   */
  async *batches(
    from: number,
    to: number,
    onSegment?: (segment: SourceSegment) => void,
  ): AsyncGenerator<readonly LogRecord[]> {
    const { log, history } = this.options;
    const gapRetries = this.options.gapRetries ?? 5;
    let next = from;
    let gaps = 0;
    while (next <= to) {
      const earliest = await this.earliestInLog();
      if (next < earliest) {
        const last = Math.min(to, earliest - 1);
        if (!history) {
          throw new ReplaySourceIncompleteError(
            next,
            `the log no longer holds versions ${next}..${last} (it starts at version ${earliest}) ` +
              'and no event history (Cassandra) was given to read them from',
          );
        }
        onSegment?.({ source: 'history', from: next, to: last });
        try {
          let batch: LogRecord[] = [];
          for await (const record of history.read(next, last)) {
            batch.push(record);
            if (batch.length === HISTORY_BATCH) {
              yield batch;
              next = record.version + 1;
              batch = [];
            }
          }
          if (batch.length > 0) {
            yield batch;
            next = batch[batch.length - 1].version + 1;
          }
        } catch (error) {
          const missing = (error as { code?: unknown; missing?: unknown }).missing;
          if ((error as { code?: unknown }).code === 'GANTRY_STORE_HISTORY_MISSING' && typeof missing === 'number') {
            const inLog = log ? `the log starts at version ${earliest}` : 'no log was given';
            throw new ReplaySourceIncompleteError(
              missing,
              `the event history lacks version ${missing} (never persisted, or deleted) and ${inLog}: ` +
                `versions ${missing}..${last} cannot be replayed`,
            );
          }
          throw error;
        }
        continue;
      }
      onSegment?.({ source: 'log', from: next, to });
      try {
        for await (const batch of readLogBatches(log!, next, to)) {
          yield batch;
          next = batch[batch.length - 1].version + 1;
        }
      } catch (error) {
        // Retention dropped versions ahead of the reader: the next round reads them from the history.
        if (!(error instanceof LogGapError) || ++gaps > gapRetries) throw error;
      }
    }
  }
}
