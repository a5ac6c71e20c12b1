import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { childLogger, type Logger } from '@gantry/logging';
import {
  type AppendOptions,
  type ConfigLog,
  DEFAULT_APPEND_DEADLINE_MS,
  type LogHealth,
  type LogSubscription,
  type RecordHandler,
} from '../config-log';
import { LogClosedError, LogRecordTooLargeError, errorMessage } from '../errors';
import { checkSubscribePosition } from '../subscribe-position';
import { EmbeddedSubscription } from './embedded-subscription';
import { GroupCommitWriter } from './group-commit-writer';
import { LockFile } from './lock-file';
import { LogFile } from './log-file';
import { FRAME_HEADER_BYTES, frameSize } from './record-codec';

export interface EmbeddedConfigLogOptions {
  /** The data directory; the log lives in `<dataDir>/log/config.log`. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** Largest record accepted, counting key, value and 29 bytes of framing. Default 16 MiB. */
  readonly maxRecordBytes?: number;
  /** Concurrent appends share one write and one fsync up to this many bytes. Default 1 MiB. */
  readonly maxBatchBytes?: number;
  /** Share fsyncs between concurrent appends. Default true; false exists to measure the difference. */
  readonly groupCommit?: boolean;
  /** Newest records kept in memory for live subscribers. Default 1024 records and 8 MiB. */
  readonly recentRecords?: number;
  readonly recentBytes?: number;
}

const MiB = 1024 * 1024;
const READ_CHUNK_BYTES = MiB;

type State = 'new' | 'starting' | 'open' | 'closing' | 'closed';

/**
 * The config log in one local file, for standalone mode: every append is fsync'd before it is
 * acknowledged, subscribers are fed in-process, and a lock file keeps a second process out.
 */
export class EmbeddedConfigLog implements ConfigLog {
  /** The log file. */
  readonly path: string;
  private readonly logger: Logger;
  private readonly maxRecordBytes: number;
  private state: State = 'new';
  private lock: LockFile | undefined;
  private file: LogFile | undefined;
  private writer: GroupCommitWriter | undefined;
  private readonly subscriptions = new Set<EmbeddedSubscription>();
  private closing: Promise<void> | undefined;
  private lastError: string | null = null;

  constructor(private readonly options: EmbeddedConfigLogOptions) {
    this.path = join(options.dataDir, 'log', 'config.log');
    this.logger = options.logger ?? childLogger('event-log');
    this.maxRecordBytes = options.maxRecordBytes ?? 16 * MiB;
  }

  async start(): Promise<void> {
    if (this.state === 'open') return;
    if (this.state !== 'new') throw new LogClosedError(`the embedded log is ${this.state}`);
    this.state = 'starting';
    try {
      await mkdir(join(this.options.dataDir, 'log'), { recursive: true });
      this.lock = await LockFile.acquire(`${this.path}.lock`, this.logger);
      const maxBatchBytes = this.options.maxBatchBytes ?? MiB;
      this.file = await LogFile.open(this.path, {
        limits: {
          maxPayloadBytes: this.maxRecordBytes - FRAME_HEADER_BYTES,
          tornTailLimit: Math.max(maxBatchBytes, this.maxRecordBytes),
        },
        recentRecords: this.options.recentRecords ?? 1024,
        recentBytes: this.options.recentBytes ?? 8 * MiB,
        logger: this.logger,
      });
      this.writer = new GroupCommitWriter(
        this.file,
        { maxBatchBytes, groupCommit: this.options.groupCommit ?? true },
        () => this.notifySubscribers(),
      );
      if (this.state !== 'starting') throw this.closedError(); // close() was called while starting
      this.state = 'open';
    } catch (error) {
      this.lastError = errorMessage(error);
      await this.file?.close();
      await this.lock?.release();
      this.file = this.lock = this.writer = undefined;
      if (this.state === 'starting') this.state = 'new';
      throw error;
    }
  }

  append(value: Buffer, options: AppendOptions = {}): Promise<number> {
    if (this.state !== 'open' || !this.writer) return Promise.reject(this.closedError());
    const key = options.key ?? null;
    const size = frameSize(key, value);
    if (size > this.maxRecordBytes) {
      return Promise.reject(
        new LogRecordTooLargeError(`record of ${size} bytes exceeds the limit of ${this.maxRecordBytes}`),
      );
    }
    return this.writer.append(key, value, size, options.deadlineMs ?? DEFAULT_APPEND_DEADLINE_MS);
  }

  subscribe(fromVersion: number, onRecord: RecordHandler): Promise<LogSubscription> {
    const file = this.file;
    if (this.state !== 'open' || !file) return Promise.reject(this.closedError());
    try {
      checkSubscribePosition(fromVersion, 1, file.headVersion());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const source = { headVersion: () => file.headVersion(), read: (from: number) => file.read(from, READ_CHUNK_BYTES) };
    const subscription = new EmbeddedSubscription(fromVersion, onRecord, source, (ended) =>
      this.subscriptions.delete(ended),
    );
    this.subscriptions.add(subscription);
    return Promise.resolve(subscription);
  }

  headVersion(): Promise<number> {
    if (this.state !== 'open' || !this.file) return Promise.reject(this.closedError());
    return Promise.resolve(this.file.headVersion());
  }

  earliestVersion(): Promise<number> {
    if (this.state !== 'open') return Promise.reject(this.closedError());
    // Nothing is ever dropped from the embedded log.
    return Promise.resolve(1);
  }

  health(): LogHealth {
    const failure = this.writer?.failure;
    return {
      up: this.state === 'open' && !failure,
      backend: 'embedded',
      detail: `${this.path} (${this.state}, head ${this.file?.headVersion() ?? 0})`,
      lastError: failure ? errorMessage(failure) : this.lastError,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    if (wasOpen) {
      // Appends accepted before close() still get written and acknowledged.
      await this.writer?.drain();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      await this.file?.close();
      await this.lock?.release();
    }
    this.state = 'closed';
  }

  private notifySubscribers(): void {
    for (const subscription of this.subscriptions) subscription.notify();
  }

  private closedError(): LogClosedError {
    return new LogClosedError(
      this.state === 'new' || this.state === 'starting'
        ? 'the embedded log has not been started'
        : 'the embedded log is closed',
    );
  }
}
