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
    try {
      while (this.delivery.isOpen) {
        const records = await this.source.read(this.delivery.nextVersion());
        if (records.length === 0) await this.appended();
        for (const record of records) {
          if (!(await this.delivery.deliver(record))) break;
        }
      }
    } catch (error) {
      this.delivery.fail(error);
    } finally {
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
