import type { ConfigLog, LogRecord, LogSubscription } from '@gantry/event-log';
import type { Logger } from '@gantry/logging';
import type { EventHistory } from '@gantry/store';
import { Backoff, type BackoffOptions } from '../backoff';
import { ReplicaHistoryGapError, errorMessage } from '../errors';

/** What to do after an error: try again after a backoff, or stop following for good. */
export type FollowerDecision = 'retry' | 'stop';

export interface LogFollowerOptions {
  readonly log: ConfigLog;
  /** Where versions the log no longer holds are read from. Without it, such a gap is an error. */
  readonly history?: EventHistory;
  readonly logger: Logger;
  /** Called once per version, in order, awaited before the next. Throwing ends the current attempt. */
  readonly handle: (record: LogRecord) => Promise<void> | void;
  readonly onError: (error: unknown) => FollowerDecision;
  /** Called when a record is handled after errors, i.e. the follower has recovered. */
  readonly onRecovered?: () => void;
  readonly backoff?: BackoffOptions;
}

/**
 * Feeds every version from `fromVersion` on to a handler, exactly once and in order, for as long as it runs:
 * versions the log has dropped come from the event history, then the log's live tail. When the subscription
 * stops with an error (the log is down, a gap appeared), it resubscribes with backoff from the next version it
 * has not handled, so nothing is skipped or handled twice.
 */
export class LogFollower {
  private next: number;
  private closed = false;
  private failing = false;
  private subscription: LogSubscription | undefined;
  private readonly backoff: Backoff;
  private loop: Promise<void> | undefined;
  private handling: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: LogFollowerOptions,
    fromVersion: number,
  ) {
    this.next = fromVersion;
    this.backoff = new Backoff(options.backoff);
  }

  /** The next version the handler will see. */
  nextVersion(): number {
    return this.next;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.backoff.abort();
    await this.subscription?.close();
    await this.loop;
    await this.handling;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.fillFromHistory();
        if (this.closed) return;
        const subscription = await this.options.log.subscribe(this.next, (record) => this.deliver(record));
        this.subscription = subscription;
        if (this.closed) {
          await subscription.close();
          return;
        }
        await subscription.stopped;
        return; // resolved: closed by us
      } catch (error) {
        this.subscription = undefined;
        if (this.closed) return;
        if (this.options.onError(error) === 'stop') return;
        this.failing = true;
        this.options.logger.warn(
          { err: errorMessage(error), nextVersion: this.next, attempt: this.backoff.attempts + 1 },
          'config log tail stopped; retrying',
        );
        await this.backoff.wait();
      }
    }
  }

  /**
   * Handles records one at a time even across subscriptions: a subscription that failed while its handler was
   * still running (a long Cassandra retry) may already have been replaced, and the new one waits its turn.
   */
  private deliver(record: LogRecord): Promise<void> {
    const turn = this.handling.then(() => this.handleInTurn(record));
    this.handling = turn.catch(() => undefined);
    return turn;
  }

  private async handleInTurn(record: LogRecord): Promise<void> {
    if (record.version < this.next) return; // handled already, before a resubscription
    if (record.version > this.next) {
      throw new Error(`config log delivered version ${record.version}, expected ${this.next}`);
    }
    await this.options.handle(record);
    this.next = record.version + 1;
    if (this.failing) {
      this.failing = false;
      this.backoff.reset();
      this.options.onRecovered?.();
    }
  }

  /** Reads from the event history whatever the log no longer holds below the next version. */
  private async fillFromHistory(): Promise<void> {
    const earliest = await this.options.log.earliestVersion();
    if (this.next >= earliest) return;
    const from = this.next;
    const to = earliest - 1;
    const { history } = this.options;
    if (!history) throw new ReplicaHistoryGapError(from, to, 'no event history is configured');
    const persisted = await history.persistedVersion();
    if (persisted < to) {
      throw new ReplicaHistoryGapError(from, to, `the event history only holds versions up to ${persisted}`);
    }
    this.options.logger.info({ from, to }, 'reading versions the log no longer holds from the event history');
    try {
      for await (const record of history.read(from, to)) {
        if (this.closed) return;
        await this.deliver(record);
      }
    } catch (error) {
      // The store's HistoryMissingError (matched by code: the replica does not import the store at runtime).
      if ((error as { code?: unknown }).code === 'GANTRY_STORE_HISTORY_MISSING') {
        throw new ReplicaHistoryGapError(from, to, `the event history is incomplete: ${errorMessage(error)}`);
      }
      throw error;
    }
  }
}
