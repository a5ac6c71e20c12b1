import type { ConfigLog, LogRecord } from '@gantry/event-log';
import type { EventHistory } from '@gantry/store';
import { readLogRange } from '../replay/log-range';
import { eventTimeOf, readOne, type RecordSource } from './record-source';

export interface HistoryRecordSourceOptions {
  /** The Cassandra event history the persister writes. */
  readonly history: EventHistory;
  /** The config log, for versions the persister has not written yet. */
  readonly log: ConfigLog;
  /** How long a read waits for the persister to reach the versions it needs before asking the log, default 3 s. */
  readonly persistWaitMs?: number;
}

const POLL_MS = 50;

/**
 * Records from the event history (bounded partition reads), and from the log only for the newest versions the
 * persister has not stored yet, and only once it did not catch up within `persistWaitMs` (on Kafka every log read
 * costs a consumer-group join).
 */
export class HistoryRecordSource implements RecordSource {
  private readonly persistWaitMs: number;

  constructor(private readonly options: HistoryRecordSourceOptions) {
    this.persistWaitMs = options.persistWaitMs ?? 3_000;
  }

  headVersion(): Promise<number> {
    return this.options.log.headVersion();
  }

  async *read(from: number, to: number): AsyncGenerator<LogRecord> {
    if (from > to) return;
    const persisted = await this.persistedUpTo(to);
    const split = Math.min(to, persisted);
    if (from <= split) yield* this.options.history.read(from, split);
    if (split < to) yield* readLogRange(this.options.log, Math.max(from, split + 1), to);
  }

  async eventTimestamp(version: number): Promise<number> {
    const { history } = this.options;
    const stored = history.eventTimestamp ? await history.eventTimestamp(version) : null;
    if (stored !== null) return stored;
    return eventTimeOf(await readOne((from, to) => this.read(from, to), version));
  }

  /** The persisted version, after waiting up to `persistWaitMs` for it to reach `version`. */
  private async persistedUpTo(version: number): Promise<number> {
    const deadline = Date.now() + this.persistWaitMs;
    for (;;) {
      const persisted = await this.options.history.persistedVersion();
      if (persisted >= version || Date.now() >= deadline) return persisted;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
