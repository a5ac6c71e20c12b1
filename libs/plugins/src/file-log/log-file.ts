import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from '@gantry/logging';

/** Lines waiting for the disk beyond which new ones are dropped (a stuck disk must not eat the memory). */
const MAX_PENDING_LINES = 10_000;
/** rw-r--r--, Kong's mode for log files it creates. */
const FILE_MODE = 0o644;

/**
 * An append-only log file shared by every file-log instance writing to the same path. Lines are written in
 * batches, off the request path; `reopen` makes the next batch close and re-open the file, so that a file
 * renamed by logrotate is let go of.
 */
export class LogFile {
  private lines: string[] = [];
  private reopenNext = false;
  private handle: FileHandle | null = null;
  private writing: Promise<void> | null = null;
  private dropping = false;
  refs = 0;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** Queues one line (with its newline); never waits. */
  append(line: string, reopen: boolean): void {
    if (this.lines.length >= MAX_PENDING_LINES) {
      if (!this.dropping) {
        this.dropping = true;
        this.logger.error({ path: this.path }, '[file-log] the file cannot keep up; dropping log lines');
      }
      return;
    }
    this.lines.push(line);
    if (reopen) this.reopenNext = true;
    this.writing ??= this.drain();
  }

  /** Resolves once every queued line was written (or given up on). */
  async idle(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    await this.idle();
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    try {
      while (this.lines.length > 0) {
        const batch = this.lines;
        const reopen = this.reopenNext;
        this.lines = [];
        this.reopenNext = false;
        this.dropping = false;
        await this.write(batch.join(''), reopen);
      }
    } finally {
      this.writing = null;
    }
  }

  private async write(data: string, reopen: boolean): Promise<void> {
    try {
      if (reopen && this.handle !== null) {
        const stale = this.handle;
        this.handle = null;
        await stale.close();
      }
      this.handle ??= await open(this.path, 'a', FILE_MODE);
      await this.handle.appendFile(data);
    } catch (error) {
      this.logger.error({ err: error, path: this.path }, '[file-log] failed to write the log file');
      // Start from a fresh descriptor next time.
      const broken = this.handle;
      this.handle = null;
      await broken?.close().catch(() => undefined);
    }
  }
}

const files = new Map<string, LogFile>();

/** The shared log file of `path`; give it back with `releaseLogFile`. */
export function acquireLogFile(path: string, logger: Logger): LogFile {
  let file = files.get(path);
  if (file === undefined) {
    file = new LogFile(path, logger);
    files.set(path, file);
  }
  file.refs++;
  return file;
}

/** Gives a log file back; the last user's release writes what is queued and closes it. */
export async function releaseLogFile(file: LogFile): Promise<void> {
  file.refs--;
  if (file.refs > 0) return;
  if (files.get(file.path) === file) files.delete(file.path);
  await file.close();
}

/** Resolves once the lines queued so far for `path` were written (immediately when nothing writes there). */
export function logFileIdle(path: string): Promise<void> {
  return files.get(path)?.idle() ?? Promise.resolve();
}
