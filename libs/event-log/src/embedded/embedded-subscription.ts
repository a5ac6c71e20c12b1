import type { LogRecord, LogSubscription, RecordHandler } from '../config-log';
import { OrderedDelivery } from '../ordered-delivery';

/** Where an embedded subscription reads from: the log file, whose newest records sit in memory. */
export interface RecordSource {
  headVersion(): number;
  read(fromVersion: number): Promise<LogRecord[]>;
}

/**
 * Reads by version until it reaches the head, then sleeps until the log reports a durable append.
 * Catch-up and live delivery are the same loop over versions, so switching between them can
 * neither skip nor repeat a record.
 */
export class EmbeddedSubscription implements LogSubscription {
  readonly stopped: Promise<void>;
  private readonly delivery: OrderedDelivery;
  private wake: (() => void) | null = null;
  private readonly loop: Promise<void>;

  constructor(
    fromVersion: number,
    handler: RecordHandler,
    private readonly source: RecordSource,
    private readonly onEnd: (subscription: EmbeddedSubscription) => void,
  ) {
    this.delivery = new OrderedDelivery(fromVersion, handler);
    this.stopped = this.delivery.stopped;
    this.loop = this.run();
  }

  nextVersion(): number {
    return this.delivery.nextVersion();
  }

  /** Called by the log after every durable append. */
  notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async close(): Promise<void> {
    this.delivery.finish();
    this.notify();
    if (!this.delivery.inHandler) await this.loop;
  }

  private async run(): Promise<void> {
    // The read of the next records runs while the current ones are delivered, so a subscriber catching up on a long
    // log does not wait for the disk between batches.
    let ahead: { from: number; read: Promise<LogRecord[]> } | undefined;
    try {
      while (this.delivery.isOpen) {
        const from = this.delivery.nextVersion();
        let records: LogRecord[];
        if (ahead !== undefined && ahead.from === from) {
          records = await ahead.read;
        } else {
          // Delivery stopped inside the last batch: that read is not needed, and must not end unhandled.
          ahead?.read.catch(() => undefined);
          records = await this.source.read(from);
        }
        ahead = undefined;
        if (records.length === 0) {
          await this.appended();
          continue;
        }
        const next = records[records.length - 1].version + 1;
        if (next <= this.source.headVersion()) ahead = { from: next, read: this.source.read(next) };
        for (const record of records) {
          const delivered = this.delivery.deliver(record);
          if (!(typeof delivered === 'boolean' ? delivered : await delivered)) break;
        }
      }
    } catch (error) {
      this.delivery.fail(error);
    } finally {
      // A read started ahead and never used must not end as an unhandled rejection.
      ahead?.read.catch(() => undefined);
      this.onEnd(this);
    }
  }

  private appended(): Promise<void> {
    return new Promise((resolve) => {
      // Checked and armed in one synchronous step, so an append between the read and here still wakes us.
      if (!this.delivery.isOpen || this.source.headVersion() >= this.delivery.nextVersion()) resolve();
      else this.wake = resolve;
    });
  }
}
