import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { childLogger, type Logger } from '@gantry/logging';
import type { LogRecord } from '../config-log';
import { LogClosedError, LogPositionError } from '../errors';
import { appendAll, syncDirectory } from './file-io';
import { LockFile } from './lock-file';
import { encodeFrameInto, frameSize } from './record-codec';

export interface EmbeddedLogImporterOptions {
  /** The data directory; the log is written to `<dataDir>/log/config.log`, which must not exist yet. */
  readonly dataDir: string;
  /** Frames are written in batches of about this many bytes. Default 1 MiB. */
  readonly batchBytes?: number;
  readonly logger?: Logger;
}

/**
 * Writes a new embedded log from records that already have their versions and timestamps (a replay), in the
 * format `EmbeddedConfigLog` opens: the records keep their original timestamps, which an append would replace.
 * Versions must run 1, 2, 3, ... The file is fsync'd once, by `finish()`; until then a crash leaves a log that
 * `EmbeddedConfigLog` recovers to a prefix (a torn tail is truncated), never a reordered one. Holds the log's
 * lock file while open, so a standalone process cannot open the directory meanwhile.
 */
export class EmbeddedLogImporter {
  private readonly batchBytes: number;
  /** Frames waiting to be written, encoded in place; reused after every write. */
  private batch: Buffer;
  private batchUsed = 0;
  private next = 1;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly lock: LockFile,
    options: EmbeddedLogImporterOptions,
  ) {
    this.batchBytes = options.batchBytes ?? 1024 * 1024;
    // Room for a full batch plus one more frame of a typical size, so a batch is rarely split.
    this.batch = Buffer.allocUnsafeSlow(this.batchBytes + 64 * 1024);
  }

  /** Creates `<dataDir>/log/config.log`; fails with `EEXIST` when a log is already there. */
  static async create(options: EmbeddedLogImporterOptions): Promise<EmbeddedLogImporter> {
    const path = join(options.dataDir, 'log', 'config.log');
    await mkdir(dirname(path), { recursive: true });
    const lock = await LockFile.acquire(`${path}.lock`, options.logger ?? childLogger('event-log'));
    try {
      const file = await open(path, 'wx');
      return new EmbeddedLogImporter(path, file, lock, options);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** The version the next record must carry. */
  nextVersion(): number {
    return this.next;
  }

  /** Queues one record; writes a batch once enough bytes are queued. */
  write(record: LogRecord): Promise<void> {
    return this.writeAll([record]);
  }

  /**
   * Queues records (the next versions, in order), encoding them straight into the batch buffer; writes the batch
   * whenever it fills. Checks every version before queuing any, so a wrong batch leaves the importer as it was.
   */
  async writeAll(records: readonly LogRecord[]): Promise<void> {
    if (this.closed) throw new LogClosedError('the log importer is closed');
    for (let i = 0; i < records.length; i++) {
      if (records[i].version !== this.next + i) {
        throw new LogPositionError(`record version ${records[i].version} is out of order (expected ${this.next + i})`);
      }
    }
    for (const record of records) {
      const key = record.key === null ? null : Buffer.from(record.key, 'utf8');
      const size = frameSize(record.key, record.value);
      if (this.batch.length - this.batchUsed < size) {
        await this.flush();
        if (this.batch.length < size) this.batch = Buffer.allocUnsafeSlow(size + this.batchBytes);
      }
      this.batchUsed = encodeFrameInto(record, this.batch, this.batchUsed, key);
      this.next++;
    }
    if (this.batchUsed >= this.batchBytes) await this.flush();
  }

  /** Writes what is queued, fsyncs the file and its directory, and releases the lock. Resolves with the head. */
  async finish(): Promise<number> {
    if (this.closed) throw new LogClosedError('the log importer is closed');
    await this.flush();
    await this.file.datasync();
    await syncDirectory(dirname(this.path));
    await this.close();
    return this.next - 1;
  }

  /** Releases the file and the lock without syncing (after a failure). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close().catch(() => undefined);
    await this.lock.release();
  }

  private async flush(): Promise<void> {
    if (this.batchUsed === 0) return;
    const data = this.batch.subarray(0, this.batchUsed);
    this.batchUsed = 0;
    await appendAll(this.file, data);
  }
}
