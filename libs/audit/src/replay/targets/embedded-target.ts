import { mkdir, readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EmbeddedConfigLog, EmbeddedLogImporter, type LogRecord } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import { ReplicaFold, type IdempotencyLimits } from '@gantry/replica';
import { EmbeddedSnapshotStore } from '@gantry/store';
import { ReplayTargetNotEmptyError } from '../errors';
import { newFold } from '../new-fold';
import { readLogRange } from '../log-range';
import type { ReadBack, ReplayTarget } from './replay-target';

export interface EmbeddedReplayTargetOptions {
  /** The data directory to create; it must be missing or empty. */
  readonly dataDir: string;
  readonly idempotency?: IdempotencyLimits;
  readonly logger?: Logger;
}

/**
 * A standalone data directory: the embedded log (`log/config.log`, records with their original versions and
 * timestamps) and a snapshot at the last version (`snapshots/`), so `GANTRY_DATA_DIR=<dir> npm start` boots from
 * the snapshot and serves the replayed state, and new writes continue at the next version.
 */
export class EmbeddedReplayTarget implements ReplayTarget {
  readonly description: string;
  private readonly dataDir: string;
  private readonly logger: Logger;
  private importer: EmbeddedLogImporter | undefined;

  constructor(private readonly options: EmbeddedReplayTargetOptions) {
    this.dataDir = resolve(options.dataDir);
    this.description = `directory ${this.dataDir}`;
    this.logger = options.logger ?? childLogger('replay');
  }

  async open(): Promise<void> {
    const existing = await stat(this.dataDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (existing !== null) {
      if (!existing.isDirectory()) throw new ReplayTargetNotEmptyError(`${this.dataDir} exists and is not a directory`);
      const entries = await readdir(this.dataDir);
      if (entries.length > 0) {
        throw new ReplayTargetNotEmptyError(
          `${this.description} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); ` +
            'a replay only writes into a new or empty directory',
        );
      }
    }
    await mkdir(this.dataDir, { recursive: true });
    this.importer = await EmbeddedLogImporter.create({ dataDir: this.dataDir, logger: this.logger });
  }

  write(records: readonly LogRecord[]): Promise<void> {
    return this.importer!.writeAll(records);
  }

  async finish(fold: ReplicaFold): Promise<void> {
    await this.importer!.finish();
    this.importer = undefined;
    if (fold.version === 0) return;
    const snapshots = new EmbeddedSnapshotStore({ dataDir: this.dataDir, logger: this.logger });
    await snapshots.start();
    try {
      await snapshots.save(fold.toSnapshot());
    } finally {
      await snapshots.close();
    }
  }

  async readBack(): Promise<ReadBack> {
    const log = new EmbeddedConfigLog({ dataDir: this.dataDir, logger: this.logger });
    await log.start();
    const fromRecords = newFold(this.options.idempotency);
    try {
      for await (const record of readLogRange(log, 1, await log.headVersion())) fromRecords.apply(record);
    } finally {
      await log.close();
    }
    const snapshots = new EmbeddedSnapshotStore({ dataDir: this.dataDir, logger: this.logger });
    await snapshots.start();
    try {
      const latest = await snapshots.latest();
      return { fromRecords, snapshot: latest ? ReplicaFold.fromSnapshot(latest, this.options.idempotency) : null };
    } finally {
      await snapshots.close();
    }
  }

  async close(): Promise<void> {
    await this.importer?.close();
    this.importer = undefined;
  }
}
