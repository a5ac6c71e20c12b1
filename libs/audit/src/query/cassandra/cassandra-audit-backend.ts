import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import type { EntityKind } from '@gantry/config';
import {
  ALL_DAYS,
  AUDIT_BUCKET_SIZE,
  AUDIT_CHANGE_CHUNK,
  CassandraEventHistory,
  DAY_DIMENSION,
  DAYS_DIMENSION,
  auditBucket,
  auditDay,
  auditIndexBucket,
  type AuditDimension,
  type AuditEntry,
  type AuditSummary,
} from '@gantry/store';
import type { AliasTarget, AuditBackend } from '../audit-backend';
import { SUMMARY_COLUMNS, changeFromRow, summaryFromRow, toNumber } from './audit-rows';

export interface CassandraAuditBackendOptions {
  /** The process's session; the backend uses it but does not own it. */
  readonly connection: CassandraConnection;
  readonly keyspace: string;
  /** Rows per page, default 500. */
  readonly pageSize?: number;
  /** How often `sync` re-reads the persister's progress, default 25 ms. */
  readonly syncPollMs?: number;
}

/**
 * Audit queries over the tables the persister writes (`audit_events`, `audit_changes`, `audit_index`,
 * `audit_index_buckets`, `entity_aliases`; see libs/store/README.md). Only versions the persister has
 * completed (its progress row) are queryable, so a query never sees half of an event's rows.
 */
export class CassandraAuditBackend implements AuditBackend {
  private readonly ks: string;
  private readonly pageSize: number;
  private readonly history: CassandraEventHistory;

  constructor(private readonly options: CassandraAuditBackendOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.pageSize = options.pageSize ?? 500;
    this.history = new CassandraEventHistory({ connection: options.connection, keyspace: options.keyspace });
  }

  /** The persister's progress: every version up to it has all of its audit rows. */
  queryableVersion(): Promise<number> {
    return this.history.persistedVersion();
  }

  async sync(version: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.queryableVersion()) < version && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.options.syncPollMs ?? 25));
    }
  }

  async *indexed(dimension: AuditDimension, value: string, lo: number, hi: number): AsyncGenerator<number> {
    const [low, high] = [auditIndexBucket(lo), auditIndexBucket(hi)];
    for await (const bucket of this.registeredBuckets(dimension, value, low, high)) {
      yield* this.column(
        `SELECT version FROM ${this.ks}.audit_index WHERE dimension = ? AND value = ? AND bucket = ? ` +
          `AND version >= ? AND version <= ?`,
        [dimension, value, bucket, lo, hi],
      );
    }
  }

  async *scan(lo: number, hi: number, buckets?: readonly number[]): AsyncGenerator<AuditSummary> {
    const walk = buckets ?? range(auditBucket(hi), auditBucket(lo));
    for (const bucket of walk) {
      const start = Math.max(lo, bucket * AUDIT_BUCKET_SIZE);
      const end = Math.min(hi, (bucket + 1) * AUDIT_BUCKET_SIZE - 1);
      if (start > end) continue;
      const rows = this.options.connection.rows(
        `SELECT ${SUMMARY_COLUMNS} FROM ${this.ks}.audit_events WHERE bucket = ? AND version >= ? AND version <= ?`,
        [bucket, start, end],
        this.pageSize,
      );
      for await (const row of rows) yield summaryFromRow(row);
    }
  }

  async timeBuckets(since: number | undefined, until: number | undefined): Promise<number[]> {
    const days: number[] = [];
    let cql = `SELECT bucket FROM ${this.ks}.audit_index_buckets WHERE dimension = ? AND value = ?`;
    const params: unknown[] = [DAYS_DIMENSION, ALL_DAYS];
    if (since !== undefined) {
      cql += ' AND bucket >= ?';
      params.push(auditDay(since));
    }
    if (until !== undefined) {
      cql += ' AND bucket <= ?';
      params.push(auditDay(until));
    }
    for await (const day of this.column(cql, params, 'bucket')) days.push(day);
    const found = new Set<number>();
    for (const day of days) {
      for await (const bucket of this.registeredBuckets(DAY_DIMENSION, String(day), 0, Number.MAX_SAFE_INTEGER)) {
        found.add(bucket);
      }
    }
    return [...found].sort((a, b) => b - a);
  }

  async aliases(alias: string): Promise<AliasTarget[]> {
    const targets: AliasTarget[] = [];
    for await (const row of this.options.connection.rows(
      `SELECT kind, id FROM ${this.ks}.entity_aliases WHERE alias = ?`,
      [alias],
      this.pageSize,
    )) {
      targets.push({ kind: row.get('kind') as EntityKind, id: row.get('id') as string });
    }
    return targets;
  }

  async summaries(versions: readonly number[]): Promise<AuditSummary[]> {
    const byBucket = new Map<number, number[]>();
    for (const v of versions) {
      const list = byBucket.get(auditBucket(v));
      if (list === undefined) byBucket.set(auditBucket(v), [v]);
      else list.push(v);
    }
    const results = await Promise.all(
      [...byBucket].map(([bucket, list]) =>
        this.options.connection.execute(
          `SELECT ${SUMMARY_COLUMNS} FROM ${this.ks}.audit_events WHERE bucket = ? AND version IN ?`,
          [bucket, list],
        ),
      ),
    );
    return results.flatMap((result) => result.rows.map(summaryFromRow));
  }

  async entry(version: number): Promise<AuditEntry | undefined> {
    const result = await this.options.connection.execute(
      `SELECT ${SUMMARY_COLUMNS} FROM ${this.ks}.audit_events WHERE bucket = ? AND version = ?`,
      [auditBucket(version), version],
    );
    const row = result.first();
    if (!row) return undefined;
    const summary = summaryFromRow(row);
    const chunks = Math.ceil(summary.changeCount / AUDIT_CHANGE_CHUNK);
    const changes = [];
    for (let chunk = 0; chunk < chunks; chunk++) {
      const rows = this.options.connection.rows(
        `SELECT seq, kind, entity_id, op, cascade, before, after FROM ${this.ks}.audit_changes ` +
          `WHERE version = ? AND chunk = ?`,
        [version, chunk],
        this.pageSize,
      );
      for await (const change of rows) changes.push(changeFromRow(change));
    }
    return { ...summary, changes };
  }

  /** The registry's buckets for a key within `[low, high]`, newest first. */
  private registeredBuckets(dimension: string, value: string, low: number, high: number): AsyncGenerator<number> {
    return this.column(
      `SELECT bucket FROM ${this.ks}.audit_index_buckets WHERE dimension = ? AND value = ? ` +
        `AND bucket >= ? AND bucket <= ?`,
      [dimension, value, low, high],
      'bucket',
    );
  }

  private async *column(cql: string, params: unknown[], column = 'version'): AsyncGenerator<number> {
    for await (const row of this.options.connection.rows(cql, params, this.pageSize)) yield toNumber(row.get(column));
  }
}

/** `from`, `from - 1`, … `to`. */
function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let b = from; b >= to; b--) out.push(b);
  return out;
}
