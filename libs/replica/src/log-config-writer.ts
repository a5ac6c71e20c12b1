import { encodeEvent, type ConfigEvent } from '@gantry/config';
import { DEFAULT_APPEND_DEADLINE_MS, LogUnavailableError, type ConfigLog } from '@gantry/event-log';
import type { ConfigReplica, ConfigWriter, WriteOptions, WriteResult } from './config-replica';
import { OutcomeEvictedError, ReplicaTimeoutError } from './errors';

export interface LogConfigWriterOptions {
  readonly log: ConfigLog;
  /** This process's replica: the writer answers with what it folded. */
  readonly replica: ConfigReplica;
}

/**
 * Read-your-writes writer: appends the event, waits for its own replica to fold that version, and answers with
 * the fold's outcome. A known idempotency key answers with the first outcome and appends nothing.
 */
export class LogConfigWriter implements ConfigWriter {
  constructor(private readonly options: LogConfigWriterOptions) {}

  /**
   * Resolves with the outcome of the appended version: `applied`, `rejected` (Kong error inside), or `duplicate`
   * (`first` holds the first outcome; answer with it). For a key already folded it resolves with the first outcome
   * itself, without appending. Rejects with `LogUnavailableError` when the append or the fold misses the deadline.
   */
  async write(event: ConfigEvent, options: WriteOptions = {}): Promise<WriteResult> {
    const { log, replica } = this.options;
    const deadlineMs = options.deadlineMs ?? DEFAULT_APPEND_DEADLINE_MS;
    const startedAt = Date.now();
    const key = event.idempotency_key;
    if (typeof key === 'string') {
      const first = replica.idempotent(key);
      if (first !== undefined) return first;
    }
    const version = await log.append(Buffer.from(encodeEvent(event), 'utf8'), { deadlineMs, key: event.id });
    try {
      await replica.waitForVersion(version, deadlineMs - (Date.now() - startedAt));
    } catch (error) {
      if (!(error instanceof ReplicaTimeoutError)) throw error;
      throw new LogUnavailableError(
        `the event was appended as version ${version} but not applied within ${deadlineMs} ms ` +
          `(the replica is at version ${error.reached}); retry with the same idempotency key`,
        { cause: error },
      );
    }
    const outcome = replica.outcomeOf(version);
    if (outcome === undefined) {
      throw new OutcomeEvictedError(`the outcome of version ${version} is no longer in the replica's window`);
    }
    return outcome;
  }
}
