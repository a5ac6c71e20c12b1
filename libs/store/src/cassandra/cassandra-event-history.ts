import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import type { LogRecord } from '@gantry/event-log';
import { HistoryMissingError, StoreInvalidError } from '../errors';
import type { EventHistory } from '../event-history';
import { toNumber } from './cql-values';
import { CONFIG_STREAM, entityBucket, historyBucket } from './schema';

export interface CassandraEventHistoryOptions {
  /** The process's session; the history uses it but does not own it. */
  readonly connection: CassandraConnection;
  readonly keyspace: string;
  /** Rows per page when reading, default 500. */
  readonly pageSize?: number;
}

/** One row of an entity's history: a change the fold made, or one it rejected. */
export interface EntityHistoryEntry {
  readonly version: number;
  readonly op: string;
  readonly status: string;
  readonly cascade: boolean;
  readonly actor: string | null;
  readonly source: string | null;
  readonly eventTimestamp: number | null;
  /** The entity after the change, as JSON text; null for deletes and rejections. */
  readonly after: string | null;
}

/**
 * The event history the persister writes to Cassandra. `read` walks `events_by_bucket` one bounded partition at a
 * time, paging inside each, and fails with `HistoryMissingError` rather than skip a version.
 */
export class CassandraEventHistory implements EventHistory {
  private readonly ks: string;
  private readonly pageSize: number;

  constructor(private readonly options: CassandraEventHistoryOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.pageSize = options.pageSize ?? 500;
  }

  async persistedVersion(): Promise<number> {
    const result = await this.options.connection.execute(
      `SELECT version FROM ${this.ks}.persister_progress WHERE name = ?`,
      [CONFIG_STREAM],
    );
    const row = result.first();
    return row ? toNumber(row.get('version')) : 0;
  }

  async *read(fromVersion: number, toVersion: number): AsyncIterable<LogRecord> {
    if (!Number.isSafeInteger(fromVersion) || fromVersion < 1 || !Number.isSafeInteger(toVersion)) {
      throw new StoreInvalidError(`invalid history range ${fromVersion}..${toVersion}`);
    }
    let expected = fromVersion;
    for (let bucket = historyBucket(fromVersion); bucket <= historyBucket(toVersion); bucket++) {
      const rows = this.options.connection.rows(
        `SELECT version, record_key, value, log_timestamp FROM ${this.ks}.events_by_bucket ` +
          `WHERE bucket = ? AND version >= ? AND version <= ?`,
        [bucket, expected, toVersion],
        this.pageSize,
      );
      for await (const row of rows) {
        const version = toNumber(row.get('version'));
        if (version !== expected) throw new HistoryMissingError(expected);
        yield {
          version,
          key: (row.get('record_key') as string | null) ?? null,
          value: row.get('value') as Buffer,
          timestamp: (row.get('log_timestamp') as Date | null)?.getTime() ?? 0,
        };
        expected++;
      }
    }
    if (expected <= toVersion) throw new HistoryMissingError(expected);
  }

  async eventTimestamp(version: number): Promise<number | null> {
    const result = await this.options.connection.execute(
      `SELECT event_timestamp FROM ${this.ks}.events_by_bucket WHERE bucket = ? AND version = ?`,
      [historyBucket(version), version],
    );
    const row = result.first();
    return row ? ((row.get('event_timestamp') as Date | null)?.getTime() ?? null) : null;
  }

  /**
   * The newest `limit` history rows of one entity, newest first. Walks its partitions from the bucket of
   * `beforeVersion` (default: the persisted version) down to bucket 0.
   */
  async entityHistory(kind: string, id: string, limit = 100, beforeVersion?: number): Promise<EntityHistoryEntry[]> {
    const upTo = beforeVersion ?? (await this.persistedVersion());
    const entries: EntityHistoryEntry[] = [];
    for (let bucket = entityBucket(upTo); bucket >= 0 && entries.length < limit; bucket--) {
      const rows = this.options.connection.rows(
        `SELECT version, op, status, cascade, actor, source, event_timestamp, after FROM ${this.ks}.events_by_entity ` +
          `WHERE kind = ? AND entity_id = ? AND bucket = ? AND version <= ?`,
        [kind, id, bucket, upTo],
        this.pageSize,
      );
      for await (const row of rows) {
        entries.push({
          version: toNumber(row.get('version')),
          op: row.get('op') as string,
          status: row.get('status') as string,
          cascade: row.get('cascade') === true,
          actor: row.get('actor') as string | null,
          source: row.get('source') as string | null,
          eventTimestamp: (row.get('event_timestamp') as Date | null)?.getTime() ?? null,
          after: row.get('after') as string | null,
        });
        if (entries.length >= limit) break;
      }
    }
    return entries;
  }
}
