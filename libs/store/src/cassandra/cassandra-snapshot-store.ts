import { createHash } from 'node:crypto';
import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import { childLogger, type Logger } from '@gantry/logging';
import { concurrent } from 'cassandra-driver';
import { StoreInvalidError, errorMessage } from '../errors';
import { isCheckpoint, resolveRetention, type ResolvedRetention } from '../snapshot-retention';
import type { SnapshotRecord, SnapshotStore, StoreHealth } from '../snapshot-store';
import { forEachLimited, toNumber, toNumberOrNull } from './cql-values';
import { CONFIG_STREAM, DEFAULT_CHUNK_BYTES, ensureStoreSchema, snapshotBucket } from './schema';

export interface CassandraSnapshotStoreOptions {
  /** The process's session; the store uses it but does not own it. */
  readonly connection: CassandraConnection;
  readonly keyspace: string;
  /** Creates the keyspace on start when given (NetworkTopologyStrategy). */
  readonly replication?: Readonly<Record<string, number>>;
  /** Snapshots kept, default 3, checkpoints excepted. */
  readonly keep?: number;
  /** Also keep the first snapshot of every window of this many versions, default 5,000; 0 keeps none. */
  readonly checkpointEvery?: number;
  /** Bytes per chunk row, default 512 KiB. */
  readonly chunkBytes?: number;
  /** Chunk reads and writes in flight, default 4. */
  readonly concurrency?: number;
  readonly logger?: Logger;
}

interface SnapshotMeta {
  readonly version: number;
  readonly hash: string;
  readonly takenAt: number;
  readonly chunkCount: number;
  readonly totalBytes: number;
  readonly sha256: string;
  readonly previous: number | null;
}

/** Index rows read per query while looking for a snapshot at or below a version. */
const INDEX_PAGE = 16;

/** A stored snapshot that fails verification; `latest()` moves on to the previous one. */
class DamagedSnapshotError extends Error {}

/**
 * Snapshots in Cassandra: the payload split into chunk rows (each its own partition, so none grows with the
 * config), a metadata row per snapshot, and a one-row head pointer written last, `USING TIMESTAMP <version>`, so a
 * snapshot becomes visible only once complete and the newest always wins when two persisters save at once.
 */
export class CassandraSnapshotStore implements SnapshotStore {
  private readonly ks: string;
  private readonly retention: ResolvedRetention;
  private readonly chunkBytes: number;
  private readonly concurrency: number;
  private readonly logger: Logger;
  private lastError: string | null = null;
  private newestVersion: number | null = null;

  constructor(private readonly options: CassandraSnapshotStoreOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.retention = resolveRetention(options);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes < 1)
      throw new StoreInvalidError('chunkBytes must be >= 1');
    this.logger = options.logger ?? childLogger('snapshot-store');
  }

  async start(): Promise<void> {
    await this.tracked(() => ensureStoreSchema(this.options.connection, this.options));
  }

  latest(): Promise<SnapshotRecord | null> {
    return this.tracked(async () => {
      let version = await this.headVersion();
      for (let tried = 0; version !== null && tried <= this.retention.keep; tried++) {
        const meta = await this.meta(version);
        if (meta === null) {
          this.logger.warn({ version }, 'snapshot metadata is missing');
          return null;
        }
        try {
          const snapshot = await this.load(meta);
          this.newestVersion ??= snapshot.version;
          return snapshot;
        } catch (error) {
          if (!(error instanceof DamagedSnapshotError)) throw error;
          this.logger.warn({ version, err: error.message }, 'skipping a damaged snapshot; trying the previous');
          version = meta.previous;
        }
      }
      return null;
    });
  }

  /**
   * Walks `snapshots_by_bucket` down from the bucket of `version`, a few rows at a time, and returns the first
   * snapshot that loads intact. Rows whose snapshot was pruned meanwhile are skipped.
   */
  atOrBefore(version: number): Promise<SnapshotRecord | null> {
    return this.tracked(async () => {
      if (!Number.isSafeInteger(version) || version < 0) return null;
      for (let bucket = snapshotBucket(version); bucket >= 0; bucket--) {
        let below = version + 1;
        for (;;) {
          const result = await this.options.connection.execute(
            `SELECT version FROM ${this.ks}.snapshots_by_bucket WHERE bucket = ? AND version < ? LIMIT ${INDEX_PAGE}`,
            [bucket, below],
          );
          for (const row of result.rows) {
            below = toNumber(row.get('version'));
            const snapshot = await this.loadIfIntact(below);
            if (snapshot !== null) return snapshot;
          }
          if (result.rows.length < INDEX_PAGE) break;
        }
      }
      return null;
    });
  }

  save(snapshot: SnapshotRecord): Promise<void> {
    return this.tracked(async () => {
      const head = await this.headVersion();
      // The head only ever points at complete snapshots, so an equal or newer one makes this save redundant.
      if (head !== null && head >= snapshot.version) return;
      const { payload } = snapshot;
      const chunkCount = Math.max(1, Math.ceil(payload.length / this.chunkBytes));
      const chunks = Array.from({ length: chunkCount }, (_, i) => [
        snapshot.version,
        i,
        payload.subarray(i * this.chunkBytes, (i + 1) * this.chunkBytes),
      ]);
      await concurrent.executeConcurrent(
        this.options.connection.client,
        `INSERT INTO ${this.ks}.snapshot_chunks (version, chunk, data) VALUES (?, ?, ?)`,
        chunks,
        { concurrencyLevel: this.concurrency, raiseOnFirstError: true },
      );
      await this.options.connection.execute(
        `INSERT INTO ${this.ks}.snapshots (version, hash, taken_at, chunk_count, total_bytes, sha256, previous) ` +
          `VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          snapshot.version,
          snapshot.hash,
          new Date(snapshot.takenAt),
          chunkCount,
          payload.length,
          createHash('sha256').update(payload).digest('hex'),
          head,
        ],
      );
      await this.options.connection.execute(
        `INSERT INTO ${this.ks}.snapshots_by_bucket (bucket, version) VALUES (?, ?)`,
        [snapshotBucket(snapshot.version), snapshot.version],
      );
      await this.options.connection.execute(
        `INSERT INTO ${this.ks}.snapshot_head (name, version) VALUES (?, ?) USING TIMESTAMP ?`,
        [CONFIG_STREAM, snapshot.version, snapshot.version],
      );
      this.newestVersion = Math.max(this.newestVersion ?? 0, snapshot.version);
      await this.prune(snapshot.version);
    });
  }

  health(): StoreHealth {
    const cassandra = this.options.connection.health();
    return {
      up: cassandra.up && this.lastError === null,
      backend: 'cassandra',
      detail: `keyspace ${this.ks} (newest snapshot ${this.newestVersion ?? 'unknown'})`,
      lastError: this.lastError ?? cassandra.lastError,
    };
  }

  /** The session belongs to the caller; nothing to release. */
  async close(): Promise<void> {}

  private async headVersion(): Promise<number | null> {
    const result = await this.options.connection.execute(
      `SELECT version FROM ${this.ks}.snapshot_head WHERE name = ?`,
      [CONFIG_STREAM],
    );
    const row = result.first();
    return row ? toNumberOrNull(row.get('version')) : null;
  }

  private async meta(version: number): Promise<SnapshotMeta | null> {
    const result = await this.options.connection.execute(
      `SELECT version, hash, taken_at, chunk_count, total_bytes, sha256, previous FROM ${this.ks}.snapshots ` +
        `WHERE version = ?`,
      [version],
    );
    const row = result.first();
    if (!row) return null;
    return {
      version: toNumber(row.get('version')),
      hash: row.get('hash') as string,
      takenAt: (row.get('taken_at') as Date).getTime(),
      chunkCount: row.get('chunk_count') as number,
      totalBytes: toNumber(row.get('total_bytes')),
      sha256: row.get('sha256') as string,
      previous: toNumberOrNull(row.get('previous')),
    };
  }

  /** The snapshot at exactly `version`, or null when it was pruned or fails verification. */
  private async loadIfIntact(version: number): Promise<SnapshotRecord | null> {
    const meta = await this.meta(version);
    if (meta === null) return null;
    try {
      return await this.load(meta);
    } catch (error) {
      if (!(error instanceof DamagedSnapshotError)) throw error;
      this.logger.warn({ version, err: error.message }, 'skipping a damaged snapshot; trying an older one');
      return null;
    }
  }

  private async load(meta: SnapshotMeta): Promise<SnapshotRecord> {
    const parts: Buffer[] = new Array<Buffer>(meta.chunkCount);
    const indexes = Array.from({ length: meta.chunkCount }, (_, i) => i);
    await forEachLimited(indexes, this.concurrency, async (chunk) => {
      const result = await this.options.connection.execute(
        `SELECT data FROM ${this.ks}.snapshot_chunks WHERE version = ? AND chunk = ?`,
        [meta.version, chunk],
      );
      const row = result.first();
      if (!row) throw new DamagedSnapshotError(`chunk ${chunk} of ${meta.chunkCount} is missing`);
      parts[chunk] = row.get('data') as Buffer;
    });
    const payload = Buffer.concat(parts);
    if (payload.length !== meta.totalBytes) {
      throw new DamagedSnapshotError(`${payload.length} bytes read, ${meta.totalBytes} expected`);
    }
    if (createHash('sha256').update(payload).digest('hex') !== meta.sha256) {
      throw new DamagedSnapshotError('checksum mismatch');
    }
    return { version: meta.version, hash: meta.hash, takenAt: meta.takenAt, payload };
  }

  /**
   * Each save deletes the snapshot `keep` links back along the `previous` chain, so `keep` remain, unless it is the
   * first of its checkpoint window (its `previous` lies in an earlier window), which stays for time travel.
   * Deleting whole partitions (a chunk, a metadata row) leaves no tombstones inside a live partition; the one
   * index row deleted lives in a table with a short `gc_grace_seconds`.
   */
  private async prune(newest: number): Promise<void> {
    let version: number | null = newest;
    for (let i = 1; i < this.retention.keep && version !== null; i++) {
      version = (await this.meta(version))?.previous ?? null;
    }
    if (version === null) return;
    const victim = (await this.meta(version))?.previous ?? null;
    if (victim === null) return;
    const meta = await this.meta(victim);
    if (meta === null || isCheckpoint(this.retention, victim, meta.previous)) return;
    await concurrent.executeConcurrent(
      this.options.connection.client,
      `DELETE FROM ${this.ks}.snapshot_chunks WHERE version = ? AND chunk = ?`,
      Array.from({ length: meta.chunkCount }, (_, i) => [victim, i]),
      { concurrencyLevel: this.concurrency, raiseOnFirstError: true },
    );
    await this.options.connection.execute(`DELETE FROM ${this.ks}.snapshots WHERE version = ?`, [victim]);
    await this.options.connection.execute(
      `DELETE FROM ${this.ks}.snapshots_by_bucket WHERE bucket = ? AND version = ?`,
      [snapshotBucket(victim), victim],
    );
  }

  private async tracked<T>(work: () => Promise<T>): Promise<T> {
    try {
      const value = await work();
      this.lastError = null;
      return value;
    } catch (error) {
      this.lastError = errorMessage(error);
      throw error;
    }
  }
}
