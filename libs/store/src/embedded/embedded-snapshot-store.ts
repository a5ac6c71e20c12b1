import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import { StoreClosedError, StoreInvalidError, errorMessage } from '../errors';
import { prunable, resolveRetention, type ResolvedRetention } from '../snapshot-retention';
import type { SnapshotRecord, SnapshotStore, StoreHealth } from '../snapshot-store';
import { decodeSnapshotFile, encodeSnapshotFile } from './snapshot-file';

export interface EmbeddedSnapshotStoreOptions {
  /** The data directory; snapshots live in `<dataDir>/snapshots/`. */
  readonly dataDir: string;
  /** Snapshots kept, newest first, default 3; older ones are deleted after each save, checkpoints excepted. */
  readonly keep?: number;
  /** Also keep the first snapshot of every window of this many versions, default 5,000; 0 keeps none. */
  readonly checkpointEvery?: number;
  readonly logger?: Logger;
}

const FILE = /^snapshot-(\d{20})\.snap$/;
const TEMP = /\.tmp-[0-9a-f]+$/;

function fileName(version: number): string {
  return `snapshot-${String(version).padStart(20, '0')}.snap`;
}

/**
 * Snapshots as files on local disk, for standalone mode. Each is written to a temporary file, fsync'd, renamed
 * into place and the directory fsync'd, so a crash leaves either the whole snapshot or none of it. A checksum
 * catches a file that is damaged anyway; `latest()` then falls back to the one before.
 */
export class EmbeddedSnapshotStore implements SnapshotStore {
  readonly dir: string;
  private readonly retention: ResolvedRetention;
  private readonly logger: Logger;
  private state: 'new' | 'open' | 'closed' = 'new';
  private queue: Promise<unknown> = Promise.resolve();
  private newestVersion: number | null = null;
  private lastError: string | null = null;

  constructor(options: EmbeddedSnapshotStoreOptions) {
    this.dir = join(options.dataDir, 'snapshots');
    this.retention = resolveRetention(options);
    this.logger = options.logger ?? childLogger('snapshot-store');
  }

  async start(): Promise<void> {
    if (this.state === 'closed') throw new StoreClosedError('the snapshot store is closed');
    if (this.state === 'open') return;
    await mkdir(this.dir, { recursive: true });
    // A crash mid-save leaves a temporary file behind; it was never renamed, so nothing refers to it.
    for (const name of await readdir(this.dir)) {
      if (TEMP.test(name)) await unlink(join(this.dir, name)).catch(() => undefined);
    }
    this.state = 'open';
  }

  latest(): Promise<SnapshotRecord | null> {
    return this.serialised(async () => {
      const snapshot = await this.newestReadable(await this.versions());
      if (snapshot !== null) this.newestVersion = snapshot.version;
      return snapshot;
    });
  }

  atOrBefore(version: number): Promise<SnapshotRecord | null> {
    return this.serialised(async () => this.newestReadable((await this.versions()).filter((v) => v <= version)));
  }

  save(snapshot: SnapshotRecord): Promise<void> {
    if (!Number.isSafeInteger(snapshot.version) || snapshot.version < 0) {
      return Promise.reject(new StoreInvalidError(`snapshot version must be an integer >= 0`));
    }
    return this.serialised(async () => {
      try {
        await this.writeFile(snapshot);
        await this.prune();
        this.newestVersion = Math.max(this.newestVersion ?? 0, snapshot.version);
        this.lastError = null;
      } catch (error) {
        this.lastError = errorMessage(error);
        throw error;
      }
    });
  }

  health(): StoreHealth {
    return {
      up: this.state === 'open' && this.lastError === null,
      backend: 'embedded',
      detail: `${this.dir} (${this.state}, newest ${this.newestVersion ?? 'unknown'})`,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.queue.catch(() => undefined);
  }

  private async writeFile(snapshot: SnapshotRecord): Promise<void> {
    const target = join(this.dir, fileName(snapshot.version));
    const temp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    const file = await open(temp, 'wx');
    try {
      await file.writev(encodeSnapshotFile(snapshot));
      await file.sync();
    } catch (error) {
      await file.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await file.close();
    await rename(temp, target);
    await syncDirectory(this.dir);
  }

  /** The first of `versions` (newest first) whose file reads back intact. */
  private async newestReadable(versions: readonly number[]): Promise<SnapshotRecord | null> {
    for (const version of versions) {
      const path = join(this.dir, fileName(version));
      try {
        const snapshot = decodeSnapshotFile(await readFile(path));
        if (snapshot.version !== version) throw new Error(`file holds version ${snapshot.version}`);
        return snapshot;
      } catch (error) {
        this.logger.warn({ path, err: errorMessage(error) }, 'skipping an unreadable snapshot; trying the previous');
      }
    }
    return null;
  }

  private async prune(): Promise<void> {
    const stale = prunable(this.retention, await this.versions());
    for (const version of stale) await unlink(join(this.dir, fileName(version))).catch(() => undefined);
    if (stale.length > 0) await syncDirectory(this.dir);
  }

  /** Versions of the snapshot files present, newest first. */
  private async versions(): Promise<number[]> {
    const names = await readdir(this.dir);
    return names
      .map((name) => FILE.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => b - a);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') {
      return Promise.reject(
        new StoreClosedError(`the snapshot store ${this.state === 'new' ? 'has not been started' : 'is closed'}`),
      );
    }
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
