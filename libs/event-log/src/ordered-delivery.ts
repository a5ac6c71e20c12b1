import type { LogRecord, RecordHandler } from './config-log';
import { LogGapError } from './errors';

/**
 * The part of a subscription both adapters share: hands records to the handler strictly in version
 * order, exactly once, one at a time, and records how the subscription ended.
 *
 * Backends may redeliver (a Kafka consumer that rejoins its group starts over from its reset
 * offset), so older versions are skipped; a version beyond the next one expected is a gap and ends
 * the subscription, because a fold that skipped a record would silently diverge.
 */
export class OrderedDelivery {
  private next: number;
  private handling = false;
  private ended = false;
  private resolveStopped!: () => void;
  private rejectStopped!: (error: unknown) => void;
  readonly stopped: Promise<void>;

  constructor(
    fromVersion: number,
    private readonly handler: RecordHandler,
  ) {
    this.next = fromVersion;
    this.stopped = new Promise<void>((resolve, reject) => {
      this.resolveStopped = resolve;
      this.rejectStopped = reject;
    });
    // Marked handled so a caller that never looks at `stopped` does not crash the process.
    this.stopped.catch(() => undefined);
  }

  nextVersion(): number {
    return this.next;
  }

  get isOpen(): boolean {
    return !this.ended;
  }

  /** True while the handler runs: close() must not wait for a handler that is calling it. */
  get inHandler(): boolean {
    return this.handling;
  }

  /**
   * Delivers `record` if it is the next version. Says false once the subscription has ended. Answers at once
   * (not a promise) when the handler did: catching up over a long log then costs no promise and no microtask per
   * record, only the records a handler waits on do.
   */
  deliver(record: LogRecord): boolean | Promise<boolean> {
    if (this.ended) return false;
    if (record.version < this.next) return true;
    if (record.version > this.next) {
      this.fail(new LogGapError(this.next, record.version));
      return false;
    }
    this.handling = true;
    let handled: Promise<void> | void;
    try {
      handled = this.handler(record);
    } catch (error) {
      return this.failed(error);
    }
    if (handled === undefined || typeof (handled as Partial<Promise<void>>).then !== 'function') {
      return this.delivered(record);
    }
    return handled.then(
      () => this.delivered(record),
      (error: unknown) => this.failed(error),
    );
  }

  private delivered(record: LogRecord): boolean {
    this.handling = false;
    this.next = record.version + 1;
    return !this.ended;
  }

  private failed(error: unknown): false {
    this.handling = false;
    this.fail(error);
    return false;
  }

  /** Ends the subscription with an error; later calls are ignored. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.rejectStopped(error);
  }

  /** Ends the subscription normally; later calls are ignored. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.resolveStopped();
  }
}
