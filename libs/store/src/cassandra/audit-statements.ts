import type { LogRecord } from '@gantry/event-log';
import type { ReplicaOutcome } from '@gantry/replica';
import {
  AUDIT_CHANGE_CHUNK,
  auditBucket,
  auditDay,
  auditIndexBucket,
  auditEntry,
  auditIndexKeys,
  entityAliases,
} from '../audit/audit-entry';
import type { Statement } from './record-statements';

/** Registry dimension listing, per UTC day, the audit buckets holding events of that day. */
export const DAY_DIMENSION = 'day';
/** Registry dimension listing every UTC day that has events (one partition: a row per day). */
export const DAYS_DIMENSION = 'days';
export const ALL_DAYS = 'all';

/**
 * The audit query tables (libs/store/README.md, "Audit queries"). Every partition is bounded by a version bucket
 * (1000 versions of events, 100k of index numbers), one event's changes (1000 per chunk), one alias, or one
 * registry key (a row per bucket or day).
 */
export function auditTables(ks: string): string[] {
  return [
    // What a list shows of each event, newest first; the only table an unfiltered list reads.
    `CREATE TABLE IF NOT EXISTS ${ks}.audit_events (
      bucket bigint, version bigint,
      event_id text, type text, kind text, entity_key text, actor text, source text, request_id text, reason text,
      origin_region text, event_timestamp timestamp, status text, error text, duplicate_of bigint,
      change_count int, kinds text,
      PRIMARY KEY ((bucket), version)
    ) WITH CLUSTERING ORDER BY (version DESC)`,
    // One event's changes with the entity before and after: GET /audit/events/{version}.
    `CREATE TABLE IF NOT EXISTS ${ks}.audit_changes (
      version bigint, chunk int, seq int,
      kind text, entity_id text, op text, cascade boolean, before text, after text,
      PRIMARY KEY ((version, chunk), seq)
    )`,
    // Versions by actor, source, kind or entity (`kind/id`), 100k versions per partition.
    `CREATE TABLE IF NOT EXISTS ${ks}.audit_index (
      dimension text, value text, bucket bigint, version bigint,
      PRIMARY KEY ((dimension, value, bucket), version)
    ) WITH CLUSTERING ORDER BY (version DESC)`,
    // Which buckets of audit_index hold rows for a value (and which audit buckets hold a day's events, and
    // which days have events), so a query walks only non-empty partitions.
    `CREATE TABLE IF NOT EXISTS ${ks}.audit_index_buckets (
      dimension text, value text, bucket bigint,
      PRIMARY KEY ((dimension, value), bucket)
    ) WITH CLUSTERING ORDER BY (bucket DESC)`,
    // Ids and names (before and after every change) to the entities that had them.
    `CREATE TABLE IF NOT EXISTS ${ks}.entity_aliases (
      alias text, kind text, id text,
      PRIMARY KEY ((alias), kind, id)
    )`,
  ];
}

/**
 * The audit-table writes of one folded record. Idempotent like every persister write: each row is keyed by the
 * version (or is a registry row that only ever says "present").
 */
export function auditStatements(ks: string, record: LogRecord, outcome: ReplicaOutcome): Statement[] {
  const entry = auditEntry(record, outcome);
  const version = entry.version;
  const bucket = auditBucket(version);
  const day = auditDay(entry.timestamp);
  const registry = (dimension: string, value: string, b: number): Statement => ({
    query: `INSERT INTO ${ks}.audit_index_buckets (dimension, value, bucket) VALUES (?, ?, ?)`,
    params: [dimension, value, b],
  });
  const statements: Statement[] = [
    {
      query:
        `INSERT INTO ${ks}.audit_events (bucket, version, event_id, type, kind, entity_key, actor, source, ` +
        `request_id, reason, origin_region, event_timestamp, status, error, duplicate_of, change_count, kinds) ` +
        `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        bucket,
        version,
        entry.eventId,
        entry.type,
        entry.kind,
        entry.key,
        entry.actor,
        entry.source,
        entry.requestId,
        entry.reason,
        entry.originRegion,
        new Date(entry.timestamp),
        entry.status,
        entry.error === null ? null : JSON.stringify(entry.error),
        entry.duplicateOf,
        entry.changeCount,
        entry.kinds.join(','),
      ],
    },
    registry(DAY_DIMENSION, String(day), bucket),
    registry(DAYS_DIMENSION, ALL_DAYS, day),
  ];
  entry.changes.forEach((change, seq) =>
    statements.push({
      query:
        `INSERT INTO ${ks}.audit_changes (version, chunk, seq, kind, entity_id, op, cascade, before, after) ` +
        `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        version,
        Math.floor(seq / AUDIT_CHANGE_CHUNK),
        seq,
        change.kind,
        change.key,
        change.op,
        change.cascade,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
      ],
    }),
  );
  const indexBucket = auditIndexBucket(version);
  for (const [dimension, value] of auditIndexKeys(entry)) {
    statements.push(
      {
        query: `INSERT INTO ${ks}.audit_index (dimension, value, bucket, version) VALUES (?, ?, ?, ?)`,
        params: [dimension, value, indexBucket, version],
      },
      registry(dimension, value, indexBucket),
    );
  }
  for (const [alias, kind, id] of entityAliases(entry)) {
    statements.push({
      query: `INSERT INTO ${ks}.entity_aliases (alias, kind, id) VALUES (?, ?, ?)`,
      params: [alias, kind, id],
    });
  }
  return statements;
}
