import type { LogRecord } from '../config-log';
import { LogUnavailableError, errorMessage } from '../errors';
import type { LogFile } from './log-file';

export interface GroupCommitOptions {
  /** Concurrent appends are written and fsync'd together up to this many bytes (a single larger record goes alone). */
  readonly maxBatchBytes: number;
  /** False writes and fsyncs each record on its own; kept to measure what sharing fsyncs buys. */
  readonly groupCommit: boolean;
}

interface PendingAppend {
  readonly key: string | null;
  readonly value: Buffer;
  readonly size: number;
  readonly resolve: (version: number) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  /** Handed to the file: after this, a deadline can no longer take it back. */
  written: boolean;
  settled: boolean;
}

/**
 * Serialises appends onto the file. While one batch is being written and fsync'd, new appends
 * queue up, and the next batch takes all of them: one fsync acknowledges many appends.
 *
 * A failed write or fsync stops the writer for good: after a failed fsync the kernel may have
 * dropped the dirty pages, so retrying could acknowledge data that is not on disk. Reopening the
 * log re-reads what actually reached the file.
 */
export class GroupCommitWriter {
  private queue: PendingAppend[] = [];
  private running = false;
  private drainWaiters: (() => void)[] = [];
  private failureReason: Error | null = null;

  constructor(
    private readonly file: LogFile,
    private readonly options: GroupCommitOptions,
    private readonly onAppended: (records: readonly LogRecord[]) => void,
  ) {}

  get failure(): Error | null {
    return this.failureReason;
  }

  append(key: string | null, value: Buffer, size: number, deadlineMs: number): Promise<number> {
    if (this.failureReason) return Promise.reject(this.unavailable());
    return new Promise<number>((resolve, reject) => {
      const pending: PendingAppend = { key, value, size, resolve, reject, written: false, settled: false };
      pending.timer = setTimeout(() => this.expire(pending, deadlineMs), deadlineMs);
      pending.timer.unref();
      this.queue.push(pending);
      this.kick();
    });
  }

  /** Resolves once every append queued so far has been written or has failed. */
  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    // Appends made in the same tick as the first one join its batch instead of waiting for the next fsync.
    await Promise.resolve();
    try {
      while (this.queue.length > 0 && !this.failureReason) {
        const batch = this.takeBatch();
        if (batch.length > 0) await this.write(batch);
      }
    } finally {
      // Synchronous from the empty-queue check to here, so an append cannot slip in unseen.
      this.running = false;
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  private takeBatch(): PendingAppend[] {
    let count = 0;
    let bytes = 0;
    for (const pending of this.queue) {
      if (!pending.settled) {
        if (count > 0 && (!this.options.groupCommit || bytes + pending.size > this.options.maxBatchBytes)) break;
        bytes += pending.size;
      }
      count++;
    }
    // Appends whose deadline passed while queued are dropped here: they were never written.
    return this.queue.splice(0, count).filter((pending) => !pending.settled);
  }

  private async write(batch: PendingAppend[]): Promise<void> {
    for (const pending of batch) pending.written = true;
    let records: LogRecord[];
    try {
      records = await this.file.appendDurably(batch, Date.now());
    } catch (error) {
      this.failureReason = error instanceof Error ? error : new Error(String(error));
      const reason = this.unavailable();
      for (const pending of [...batch, ...this.queue.splice(0)]) this.settle(pending, () => pending.reject(reason));
      return;
    }
    this.onAppended(records);
    batch.forEach((pending, i) => this.settle(pending, () => pending.resolve(records[i].version)));
  }

  private expire(pending: PendingAppend, deadlineMs: number): void {
    const outcome = pending.written ? 'it was being written and may still be in the log' : 'it was not written';
    this.settle(pending, () =>
      pending.reject(new LogUnavailableError(`append did not become durable within ${deadlineMs} ms; ${outcome}`)),
    );
  }

  private settle(pending: PendingAppend, outcome: () => void): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    outcome();
  }

  private unavailable(): LogUnavailableError {
    const cause = this.failureReason;
    return new LogUnavailableError(
      `the embedded log stopped accepting appends after a failed write (${errorMessage(cause)}); restart to recover`,
      { cause },
    );
  }
}
