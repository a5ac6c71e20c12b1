import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { LogRecord } from '../config-log';
import { LogCorruptError } from '../errors';
import { appendAll, readAt, syncDirectory } from './file-io';
import { type ScanLimits, scanLogFile } from './log-file-scanner';
import { decodeFrame, encodeFrame } from './record-codec';

export interface LogFileOptions {
  readonly limits: ScanLimits;
  /** How many of the newest records stay in memory, so subscribers that keep up never read the disk. */
  readonly recentRecords: number;
  readonly recentBytes: number;
  readonly logger: Logger;
}

export interface NewRecord {
  readonly key: string | null;
  readonly value: Buffer;
}

/**
 * The log file itself: recovery on open, the version → offset index, durable appends and reads by
 * version. Appends must not overlap; the group-commit writer is the only caller.
 */
export class LogFile {
  private recent: LogRecord[] = [];
  private recentSize = 0;
  private writing = false;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly offsets: number[],
    private size: number,
    private readonly options: LogFileOptions,
  ) {}

  static async open(path: string, options: LogFileOptions): Promise<LogFile> {
    const started = performance.now();
    const file = await open(path, 'a+');
    try {
      const { size } = await file.stat();
      const scan = await scanLogFile(file, path, size, options.limits);
      if (scan.tornTail) {
        options.logger.warn(
          { path, ...scan.tornTail, keptRecords: scan.offsets.length },
          'truncating a torn final record left by a crash mid-append; it was never acknowledged',
        );
        await file.truncate(scan.validBytes);
        await file.datasync();
      }
      if (size === 0) await syncDirectory(dirname(path));
      options.logger.info(
        { path, records: scan.offsets.length, bytes: scan.validBytes, ms: Math.round(performance.now() - started) },
        'opened embedded config log',
      );
      return new LogFile(path, file, scan.offsets, scan.validBytes, options);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  headVersion(): number {
    return this.offsets.length;
  }

  /** Writes the records after the head and fsyncs; only then are they indexed and readable. */
  async appendDurably(entries: readonly NewRecord[], timestamp: number): Promise<LogRecord[]> {
    if (this.writing) throw new Error('LogFile.appendDurably calls must not overlap');
    this.writing = true;
    try {
      const head = this.offsets.length;
      const records = entries.map((entry, i): LogRecord => ({
        version: head + 1 + i,
        key: entry.key,
        value: entry.value,
        timestamp,
      }));
      const frames = records.map(encodeFrame);
      await appendAll(this.file, frames.length === 1 ? frames[0] : Buffer.concat(frames));
      // fdatasync also persists the new file length, which is all the metadata an append changes.
      await this.file.datasync();
      for (const frame of frames) {
        this.offsets.push(this.size);
        this.size += frame.length;
      }
      this.remember(records);
      return records;
    } finally {
      this.writing = false;
    }
  }

  /** Records from `fromVersion` on, about `maxBytes` of them (always at least one); empty past the head. */
  async read(fromVersion: number, maxBytes: number): Promise<LogRecord[]> {
    const head = this.offsets.length;
    if (fromVersion > head) return [];
    const recentFirst = head - this.recent.length + 1;
    if (fromVersion >= recentFirst) return this.recent.slice(fromVersion - recentFirst);

    const start = this.offsets[fromVersion - 1];
    const last = this.lastVersionWithin(fromVersion, start + maxBytes);
    const buffer = await readAt(this.file, start, this.endOf(last) - start);
    const records: LogRecord[] = [];
    for (let at = 0, version = fromVersion; version <= last; version++) {
      const frame = decodeFrame(buffer, at, this.options.limits.maxPayloadBytes);
      if (!frame.ok || frame.record.version !== version) {
        // The file changed under the process (disk fault, another writer): stop rather than fold garbage.
        throw new LogCorruptError(frame.ok ? `expected version ${version}` : frame.reason, this.path, start + at);
      }
      records.push(frame.record);
      at += frame.size;
    }
    return records;
  }

  async close(): Promise<void> {
    await this.file.close();
  }

  private endOf(version: number): number {
    return version < this.offsets.length ? this.offsets[version] : this.size;
  }

  /** The highest version whose frame ends at or before `limit`, but at least `fromVersion`. */
  private lastVersionWithin(fromVersion: number, limit: number): number {
    let low = fromVersion;
    let high = this.offsets.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.endOf(middle) <= limit) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private remember(records: readonly LogRecord[]): void {
    for (const record of records) {
      this.recent.push(record);
      this.recentSize += record.value.length;
    }
    const { recentRecords, recentBytes } = this.options;
    while (this.recent.length > recentRecords || (this.recentSize > recentBytes && this.recent.length > 1)) {
      this.recentSize -= this.recent.shift()!.value.length;
    }
  }
}
