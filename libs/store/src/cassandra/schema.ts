import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import { auditTables } from './audit-statements';
import { ensureColumns } from './ensure-columns';

/** Versions per `events_by_bucket` partition: 1000 records of at most 1 MiB (Kafka's limit) each. */
export const HISTORY_BUCKET_SIZE = 1_000;
/** Versions per `events_by_entity` partition: one entity's rows within 100k versions. */
export const ENTITY_BUCKET_SIZE = 100_000;
/** Versions per `snapshots_by_bucket` partition: the index `atOrBefore` walks down. */
export const SNAPSHOT_BUCKET_SIZE = 10_000;
/** The hash-chain columns of `events_by_bucket` (see libs/audit/src/chain). */
export const CHAIN_COLUMNS = { prev_hash: 'text', hash: 'text', signature: 'text' } as const;
/** Bytes per snapshot chunk; each chunk is its own partition. */
export const DEFAULT_CHUNK_BYTES = 512 * 1024;
/** The one row name used in `snapshot_head` and `persister_progress`. */
export const CONFIG_STREAM = 'config';

export function historyBucket(version: number): number {
  return Math.floor(version / HISTORY_BUCKET_SIZE);
}

export function entityBucket(version: number): number {
  return Math.floor(version / ENTITY_BUCKET_SIZE);
}

export function snapshotBucket(version: number): number {
  return Math.floor(version / SNAPSHOT_BUCKET_SIZE);
}

/**
 * The tables, each designed for the query that reads it and none with a partition that grows without bound
 * (Kong's Cassandra failure: every route in one partition). See libs/store/README.md for the queries.
 */
function tables(ks: string): string[] {
  return [
    // The audit log and the gap source for booting replicas: scanned bucket by bucket in version order.
    `CREATE TABLE IF NOT EXISTS ${ks}.events_by_bucket (
      bucket bigint, version bigint,
      record_key text, value blob, log_timestamp timestamp,
      event_id text, type text, kind text, entity_key text, actor text, source text, request_id text,
      origin_region text, event_timestamp timestamp, idempotency_key text,
      status text, error text, duplicate_of bigint, prev_hash text, hash text, signature text,
      PRIMARY KEY ((bucket), version)
    ) WITH CLUSTERING ORDER BY (version ASC)`,
    // One entity's history, newest first: the changes the fold really made (cascades included) and rejections.
    `CREATE TABLE IF NOT EXISTS ${ks}.events_by_entity (
      kind text, entity_id text, bucket bigint, version bigint, seq int,
      op text, cascade boolean, status text, actor text, source text, event_timestamp timestamp, after text,
      PRIMARY KEY ((kind, entity_id, bucket), version, seq)
    ) WITH CLUSTERING ORDER BY (version DESC, seq ASC)`,
    // Current entities as the fold left them; written USING TIMESTAMP <version>, so the newest version wins.
    `CREATE TABLE IF NOT EXISTS ${ks}.entities (
      kind text, id text, version bigint, body text,
      PRIMARY KEY ((kind, id))
    )`,
    `CREATE TABLE IF NOT EXISTS ${ks}.snapshot_chunks (
      version bigint, chunk int, data blob,
      PRIMARY KEY ((version, chunk))
    )`,
    `CREATE TABLE IF NOT EXISTS ${ks}.snapshots (
      version bigint PRIMARY KEY,
      hash text, taken_at timestamp, chunk_count int, total_bytes bigint, sha256 text, previous bigint
    )`,
    `CREATE TABLE IF NOT EXISTS ${ks}.snapshot_head (name text PRIMARY KEY, version bigint)`,
    // The stored snapshots by version range, for time travel's "newest snapshot at or below v". Rows of pruned
    // snapshots are deleted; a resurrected one only costs a skipped metadata read, so tombstones go after an hour.
    `CREATE TABLE IF NOT EXISTS ${ks}.snapshots_by_bucket (
      bucket bigint, version bigint,
      PRIMARY KEY ((bucket), version)
    ) WITH CLUSTERING ORDER BY (version DESC) AND gc_grace_seconds = 3600`,
    `CREATE TABLE IF NOT EXISTS ${ks}.persister_progress (name text PRIMARY KEY, version bigint, updated_at timestamp)`,
    // Proxy replica reports (CassandraDataPlaneRegistry). One partition per cluster, bounded by the replicas seen
    // within the TTL every write carries. Rows are rewritten every few seconds and expire or are deleted, so
    // tombstones are purged after an hour instead of 10 days: a resurrected row is only a stale replica until
    // its TTL ends.
    `CREATE TABLE IF NOT EXISTS ${ks}.data_planes (
      cluster text, id text, last_seen timestamp, report text, upstream_health text,
      PRIMARY KEY ((cluster), id)
    ) WITH CLUSTERING ORDER BY (id ASC) AND gc_grace_seconds = 3600`,
  ];
}

export interface EnsureStoreSchemaOptions {
  readonly keyspace: string;
  /** When given, the keyspace is created first (NetworkTopologyStrategy), e.g. `{ dc1: 3 }`. */
  readonly replication?: Readonly<Record<string, number>>;
}

/** Creates the keyspace (optionally) and every table, IF NOT EXISTS: safe to run from many processes, repeatedly. */
export async function ensureStoreSchema(
  connection: CassandraConnection,
  options: EnsureStoreSchemaOptions,
): Promise<void> {
  const ks = cqlIdentifier(options.keyspace);
  if (options.replication) await connection.ensureKeyspace(ks, options.replication);
  for (const cql of [...tables(ks), ...auditTables(ks)]) await connection.client.execute(cql);
  // Keyspaces created before the hash chain get its columns (`CREATE TABLE IF NOT EXISTS` leaves them as they are).
  await ensureColumns(connection, ks, 'events_by_bucket', CHAIN_COLUMNS);
}
