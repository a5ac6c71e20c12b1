import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import type { LogRecord } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import { ReplicaFold, type IdempotencyLimits } from '@gantry/replica';
import {
  CassandraEventHistory,
  CassandraSnapshotStore,
  Persister,
  ensureStoreSchema,
  type ChainLinker,
} from '@gantry/store';
import { ReplayTargetNotEmptyError } from '../errors';
import { newFold } from '../new-fold';
import { ReplayFeedLog } from './replay-feed-log';
import type { ReadBack, ReplayTarget } from './replay-target';

export interface CassandraReplayTargetOptions {
  /** A connected session; the target uses it but does not own it. */
  readonly connection: CassandraConnection;
  /** The keyspace to fill: missing, or with no rows in any table. */
  readonly keyspace: string;
  /** Replication when the keyspace is created (NetworkTopologyStrategy), e.g. `{ dc1: 3 }`. */
  readonly replication: Readonly<Record<string, number>>;
  /** The persister's periodic snapshots (time travel starts from the nearest); default every 1000 versions. */
  readonly snapshotEvery?: { readonly events?: number; readonly ms?: number };
  readonly idempotency?: IdempotencyLimits;
  /** Links the replayed history into the audit hash chain (signed when the chain has a key), as live. */
  readonly chain?: ChainLinker;
  /** How long the persister may take to create the schema and subscribe. Default 60 s. */
  readonly startTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * A fresh Cassandra keyspace written by the cluster's own `Persister` (fed the replayed records through a
 * `ReplayFeedLog`): history rows, per-entity history, current entities, progress and snapshots exactly as a live
 * persister writes them, plus a snapshot at the last version. One record is written at a time, as live.
 */
export class CassandraReplayTarget implements ReplayTarget {
  readonly description: string;
  private readonly ks: string;
  private readonly logger: Logger;
  private feed: ReplayFeedLog | undefined;
  private persister: Persister | undefined;

  constructor(private readonly options: CassandraReplayTargetOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.description = `keyspace ${this.ks}`;
    this.logger = options.logger ?? childLogger('replay');
  }

  async open(): Promise<void> {
    await this.refuseNonEmpty();
    await ensureStoreSchema(this.options.connection, { keyspace: this.ks, replication: this.options.replication });
    this.feed = new ReplayFeedLog();
    this.persister = new Persister({
      log: this.feed,
      connection: this.options.connection,
      keyspace: this.ks,
      replication: this.options.replication,
      snapshotEvery: { events: 1_000, ms: 24 * 3_600_000, ...this.options.snapshotEvery },
      idempotency: this.options.idempotency,
      chain: this.options.chain,
      logger: this.logger,
    });
    await this.persister.start();
    if (!(await this.feed.waitForSubscriber(this.options.startTimeoutMs ?? 60_000))) {
      throw new Error(
        `the persister for ${this.description} did not start: ${this.persister.health().lastError ?? ''}`,
      );
    }
  }

  async write(records: readonly LogRecord[]): Promise<void> {
    for (const record of records) await this.feed!.push(record);
  }

  async finish(fold: ReplicaFold): Promise<void> {
    const persister = this.persister!;
    const persisted = persister.health().persistedVersion;
    if (persisted !== fold.version) {
      throw new Error(`the persister stored up to version ${persisted}, expected ${fold.version}`);
    }
    // close() writes the progress row of the last record.
    await persister.close();
    this.persister = undefined;
    await this.feed?.close();
    if (fold.version === 0) return;
    const snapshots = new CassandraSnapshotStore({
      connection: this.options.connection,
      keyspace: this.ks,
      logger: this.logger,
    });
    await snapshots.save(fold.toSnapshot());
  }

  async readBack(): Promise<ReadBack> {
    const history = new CassandraEventHistory({ connection: this.options.connection, keyspace: this.ks });
    const fromRecords = newFold(this.options.idempotency);
    const persisted = await history.persistedVersion();
    if (persisted > 0) for await (const record of history.read(1, persisted)) fromRecords.apply(record);
    const latest = await new CassandraSnapshotStore({
      connection: this.options.connection,
      keyspace: this.ks,
      logger: this.logger,
    }).latest();
    return { fromRecords, snapshot: latest ? ReplicaFold.fromSnapshot(latest, this.options.idempotency) : null };
  }

  async close(): Promise<void> {
    await this.persister?.close();
    await this.feed?.close();
    this.persister = undefined;
  }

  /** A keyspace counts as empty when it does not exist or none of its tables holds a row. */
  private async refuseNonEmpty(): Promise<void> {
    const tables = await this.options.connection.execute(
      'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
      [this.ks],
    );
    for (const row of tables.rows) {
      const table = cqlIdentifier(row.get('table_name') as string);
      const probe = await this.options.connection.execute(`SELECT * FROM ${this.ks}.${table} LIMIT 1`);
      if (probe.rowLength > 0) {
        throw new ReplayTargetNotEmptyError(
          `${this.description} is not empty (table ${table} has rows); a replay only writes into a new or empty keyspace`,
        );
      }
    }
  }
}
