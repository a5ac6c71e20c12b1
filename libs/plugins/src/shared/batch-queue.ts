import type { Logger } from '@gantry/logging';

/** How a batch queue batches, bounds and retries (Kong's queue parameters, in milliseconds). */
export interface BatchQueueOptions {
  readonly maxBatchSize: number;
  /** How long the first entry of a batch may wait for others before the batch is sent anyway. */
  readonly maxCoalescingDelayMs: number;
  /** Entries waiting to be sent; beyond it the oldest is dropped. */
  readonly maxEntries: number;
  /** Bytes waiting to be sent (when set); beyond it the oldest entries are dropped. */
  readonly maxBytes: number | null;
  /** How long a failing batch is retried before it is dropped; negative: never retried. */
  readonly maxRetryTimeMs: number;
  readonly initialRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** Kong's `concurrency_limit = -1`: every entry is sent on its own, at once, without batching. */
  readonly unlimitedConcurrency: boolean;
}

/** Sends one batch; rejects when the receiver did not take it, so that it is retried. */
export type BatchSender<T> = (batch: readonly T[]) => Promise<void>;

/** A pending wait: coalescing a batch, or backing off before a retry. */
interface Sleeper {
  readonly kind: 'coalesce' | 'retry';
  readonly timer: NodeJS.Timeout;
  readonly resolve: () => void;
}

/** Below this much coalescing time left, a batch is sent rather than waited on (as Kong does). */
const COALESCE_MIN_MS = 50;
/** Share of `maxEntries` at which the queue warns that it is filling up. */
const CAPACITY_WARNING = 0.8;

/**
 * A bounded, batching, retrying queue between the request path and a slow receiver (Kong's `kong.tools.queue`).
 * `add` never waits and never throws: when the queue is full the oldest entry is dropped with a logged error.
 * One batch is in flight at a time (unless `unlimitedConcurrency`); a failing batch is retried with exponential
 * backoff for up to `maxRetryTimeMs`, then dropped. `close` sends what is queued within a bounded wait.
 */
export class BatchQueue<T> {
  private entries: T[] = [];
  private sizes: number[] = [];
  private head = 0;
  private bytesQueued = 0;
  private running = false;
  private inFlight = 0;
  private closing = false;
  private stopped = false;
  private warned = false;
  private full = false;
  private readonly sleepers = new Set<Sleeper>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly name: string,
    private readonly options: BatchQueueOptions,
    private readonly send: BatchSender<T>,
    private readonly logger: Logger,
    /** Byte size of an entry; only called when `maxBytes` is set. */
    private readonly sizeOf: (entry: T) => number = () => 0,
  ) {}

  /** Entries waiting to be sent (not counting a batch in flight). */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Queues an entry; false when it was refused (queue closed, or the entry alone exceeds `maxBytes`). */
  add(entry: T): boolean {
    if (this.closing) return false;
    const o = this.options;
    if (o.unlimitedConcurrency) return this.sendAlone(entry);
    const bytes = o.maxBytes === null ? 0 : this.sizeOf(entry);
    if (o.maxBytes !== null && bytes > o.maxBytes) {
      this.logger.error(
        { queue: this.name },
        `entry is longer (${bytes} bytes) than the queue's max_bytes (${o.maxBytes} bytes); dropped`,
      );
      return false;
    }
    this.warnWhenFilling();
    if (this.size >= o.maxEntries) {
      this.reportFull('queue full, dropping old entries until processing is successful again');
      this.dropOldest();
    }
    if (o.maxBytes !== null) {
      let dropped = 0;
      while (this.size > 0 && this.bytesQueued + bytes > o.maxBytes) {
        this.dropOldest();
        dropped++;
      }
      if (dropped > 0) this.reportFull(`byte capacity exceeded, ${dropped} queue entries were dropped`);
      this.bytesQueued += bytes;
    }
    this.entries.push(entry);
    this.sizes.push(bytes);
    if (!this.running) void this.run();
    else if (this.size >= o.maxBatchSize) this.wake('coalesce');
    return true;
  }

  /**
   * Stops accepting entries and sends what is queued, waiting at most `timeoutMs`; what is still unsent then
   * is dropped (and logged).
   */
  async close(timeoutMs: number): Promise<void> {
    this.closing = true;
    this.wake('coalesce');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([this.whenIdle(), deadline]);
    clearTimeout(timer);
    this.stopped = true;
    this.wake('coalesce');
    this.wake('retry');
    const lost = this.size + this.inFlight;
    if (lost > 0) this.logger.warn({ queue: this.name, lost }, `queue closed with ${lost} entries unsent`);
    this.entries = [];
    this.sizes = [];
    this.head = 0;
    this.bytesQueued = 0;
  }

  /** Resolves once nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (!this.running && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    const o = this.options;
    try {
      while (this.size > 0 && !this.stopped) {
        const startedAt = Date.now();
        while (this.size < o.maxBatchSize && !this.closing) {
          const left = o.maxCoalescingDelayMs - (Date.now() - startedAt);
          if (left < COALESCE_MIN_MS) break;
          await this.sleep('coalesce', left);
        }
        await this.deliver(this.take(o.maxBatchSize));
      }
    } finally {
      this.running = false;
      this.notifyIdle();
    }
  }

  private async deliver(batch: readonly T[]): Promise<void> {
    const o = this.options;
    const startedAt = Date.now();
    for (let retries = 0; ; retries++) {
      try {
        await this.send(batch);
        if (this.full) {
          this.full = false;
          this.logger.info({ queue: this.name }, 'queue resumed processing');
        }
        return;
      } catch (error) {
        if (Date.now() - startedAt > o.maxRetryTimeMs || this.stopped) {
          this.logger.error(
            { queue: this.name, err: error },
            `could not send entries, giving up after ${retries} retries; ${batch.length} queue entries were lost`,
          );
          return;
        }
        this.logger.warn({ queue: this.name, err: error }, 'could not send entries; retrying');
        await this.sleep('retry', Math.min(o.maxRetryDelayMs, 2 ** retries * o.initialRetryDelayMs));
      }
    }
  }

  private sendAlone(entry: T): boolean {
    if (this.inFlight >= this.options.maxEntries) {
      this.reportFull('too many entries in flight, dropping new ones until processing is successful again');
      return false;
    }
    this.inFlight++;
    void this.deliver([entry]).finally(() => {
      this.inFlight--;
      this.notifyIdle();
    });
    return true;
  }

  private take(max: number): T[] {
    const end = Math.min(this.entries.length, this.head + max);
    const batch = this.entries.slice(this.head, end);
    for (let i = this.head; i < end; i++) this.bytesQueued -= this.sizes[i];
    this.head = end;
    this.compact();
    return batch;
  }

  private dropOldest(): void {
    this.bytesQueued -= this.sizes[this.head];
    this.head++;
    this.compact();
  }

  /** Reclaims the consumed front of the arrays once it dominates them. */
  private compact(): void {
    if (this.head === this.entries.length) {
      this.entries = [];
      this.sizes = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  private warnWhenFilling(): void {
    if (this.size >= this.options.maxEntries * CAPACITY_WARNING) {
      if (!this.warned) {
        this.warned = true;
        this.logger.warn({ queue: this.name }, `queue at ${CAPACITY_WARNING * 100}% capacity`);
      }
    } else {
      this.warned = false;
    }
  }

  private reportFull(message: string): void {
    if (this.full) return;
    this.full = true;
    this.logger.error({ queue: this.name }, message);
  }

  private sleep(kind: Sleeper['kind'], ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        kind,
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      sleeper.timer.unref();
      this.sleepers.add(sleeper);
    });
  }

  /** Ends the current waits of one kind early (a full batch or closing ends coalescing; stopping ends all). */
  private wake(kind: Sleeper['kind']): void {
    for (const sleeper of this.sleepers) {
      if (sleeper.kind !== kind) continue;
      this.sleepers.delete(sleeper);
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
  }

  private notifyIdle(): void {
    if (this.running || this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
