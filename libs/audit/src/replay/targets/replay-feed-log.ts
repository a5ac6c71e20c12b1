import {
  LogClosedError,
  LogPositionError,
  type ConfigLog,
  type LogHealth,
  type LogRecord,
  type LogSubscription,
  type RecordHandler,
} from '@gantry/event-log';

/**
 * A read-only `ConfigLog` that a replay feeds record by record, so the Cassandra `Persister` writes a replayed
 * keyspace exactly as it writes a live one. `push` resolves once the subscriber's handler (the persister's write)
 * has finished with the record, which is the replay's backpressure. It holds versions from 1 and never drops one.
 */
export class ReplayFeedLog implements ConfigLog {
  private handler: RecordHandler | undefined;
  private next = 1;
  private closed = false;
  private readonly subscribers: (() => void)[] = [];
  private endSubscription: (() => void) | undefined;

  start(): Promise<void> {
    return Promise.resolve();
  }

  append(): Promise<number> {
    return Promise.reject(new LogClosedError('a replay feed is read-only'));
  }

  subscribe(fromVersion: number, onRecord: RecordHandler): Promise<LogSubscription> {
    if (this.closed) return Promise.reject(new LogClosedError('the replay feed is closed'));
    if (fromVersion !== this.next) {
      return Promise.reject(new LogPositionError(`the replay feed is at version ${this.next}, not ${fromVersion}`));
    }
    this.endSubscription?.();
    this.handler = onRecord;
    const stopped = new Promise<void>((resolve) => (this.endSubscription = resolve));
    for (const wake of this.subscribers.splice(0)) wake();
    const subscription: LogSubscription = {
      nextVersion: () => this.next,
      stopped,
      close: () => {
        if (this.handler === onRecord) this.handler = undefined;
        this.endSubscription?.();
        return Promise.resolve();
      },
    };
    return Promise.resolve(subscription);
  }

  /** Resolves true once something subscribed, false when `timeoutMs` passed first. */
  async waitForSubscriber(timeoutMs: number): Promise<boolean> {
    if (this.handler) return true;
    let timer: NodeJS.Timeout | undefined;
    const subscribed = new Promise<boolean>((resolve) => this.subscribers.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([subscribed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Hands the next record to the subscriber and resolves when its handler has; waits for a subscriber first. */
  async push(record: LogRecord): Promise<void> {
    if (record.version !== this.next) {
      throw new LogPositionError(`record version ${record.version} is out of order (expected ${this.next})`);
    }
    while (!this.handler) {
      if (this.closed) throw new LogClosedError('the replay feed is closed');
      await new Promise<void>((resolve) => this.subscribers.push(resolve));
    }
    await this.handler(record);
    this.next = record.version + 1;
  }

  headVersion(): Promise<number> {
    return Promise.resolve(this.next - 1);
  }

  earliestVersion(): Promise<number> {
    return Promise.resolve(1);
  }

  health(): LogHealth {
    return {
      up: !this.closed,
      backend: 'embedded',
      detail: `replay feed at version ${this.next - 1}`,
      lastError: null,
    };
  }

  close(): Promise<void> {
    this.closed = true;
    this.handler = undefined;
    this.endSubscription?.();
    for (const wake of this.subscribers.splice(0)) wake();
    return Promise.resolve();
  }
}
