import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import type { ConfigLog, LogRecord } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import {
  Backoff,
  LogFollower,
  ReplicaFold,
  UnsupportedEventError,
  type BackoffOptions,
  type IdempotencyLimits,
} from '@gantry/replica';
import { concurrent } from 'cassandra-driver';
import { StoreClosedError, errorMessage } from '../errors';
import type { SnapshotRetention } from '../snapshot-retention';
import { auditStatements } from './audit-statements';
import { CassandraEventHistory } from './cassandra-event-history';
import { CassandraChainLinks, type ChainCursor, type ChainLinker } from './chain-links';
import { CassandraSnapshotStore } from './cassandra-snapshot-store';
import { progressStatement, recordStatements, type Statement } from './record-statements';
import { CONFIG_STREAM, ensureStoreSchema } from './schema';

export interface PersisterOptions {
  /** A started log. */
  readonly log: ConfigLog;
  /** The process's session; the persister uses it but does not own it. It need not be connected yet. */
  readonly connection: CassandraConnection;
  readonly keyspace: string;
  /** Creates the keyspace when given (NetworkTopologyStrategy), e.g. `{ dc1: 3 }`. */
  readonly replication?: Readonly<Record<string, number>>;
  /** Take a snapshot after this many versions or this long (if anything changed), default 1000 / 60000 ms. */
  readonly snapshotEvery?: { readonly events?: number; readonly ms?: number };
  /** Which snapshots survive pruning, default the newest 3 plus one checkpoint per 5,000 versions. */
  readonly snapshotRetention?: SnapshotRetention;
  /** Between retries of a failed Cassandra write, default 100 ms doubling to 5000 ms. */
  readonly backoff?: BackoffOptions;
  /** How often the log head is read for `health().lag`, default 2000 ms. */
  readonly headPollMs?: number;
  /** Must match every replica of the cluster. */
  readonly idempotency?: IdempotencyLimits;
  /** Statements in flight per record (big changesets write many rows), default 32. */
  readonly concurrency?: number;
  /** Links every history row into the audit hash chain (`prev_hash`, `hash`, `signature`); none when absent. */
  readonly chain?: ChainLinker;
  readonly logger?: Logger;
}

export interface PersisterHealth {
  /** True once booted and while the last Cassandra write succeeded. */
  readonly up: boolean;
  /** Every version up to this one is stored in Cassandra. */
  readonly persistedVersion: number;
  readonly foldedVersion: number;
  readonly headVersion: number;
  /** headVersion - persistedVersion. */
  readonly lag: number;
  readonly lastSnapshotVersion: number;
  readonly lastError: string | null;
}

/**
 * Folds the config log with the replicas' own fold and writes what it did to Cassandra: event history, per-entity
 * history, current entities, progress and periodic snapshots. A failed write is retried with backoff for as long
 * as it takes, and the log subscription waits meanwhile, so nothing is skipped or reordered. Every write is
 * idempotent, so persisters in several processes can run at once.
 */
export class Persister {
  private readonly ks: string;
  private readonly logger: Logger;
  private readonly history: CassandraEventHistory;
  private readonly snapshots: CassandraSnapshotStore;
  private readonly backoff: Backoff;
  private fold = new ReplicaFold();
  private chain: ChainCursor | undefined;
  private follower: LogFollower | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private booted = false;
  /** Versions up to this are already in Cassandra: they are folded on boot but not written again. */
  private writtenUpTo = 0;
  private persisted = 0;
  private progressWritten = 0;
  private headVersion = 0;
  private lastError: string | null = null;
  private lastSnapshotVersion = 0;
  private lastSnapshotAt = Date.now();
  private snapshotting: Promise<void> | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: PersisterOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.logger = options.logger ?? childLogger('persister');
    this.history = new CassandraEventHistory({ connection: options.connection, keyspace: options.keyspace });
    this.snapshots = new CassandraSnapshotStore({
      connection: options.connection,
      keyspace: options.keyspace,
      ...options.snapshotRetention,
      logger: this.logger,
    });
    this.backoff = new Backoff({ minMs: 100, maxMs: 5_000, ...options.backoff });
  }

  /** Starts in the background and returns at once: Cassandra may be down now and come back later. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreClosedError('the persister is closed'));
    if (!this.running) this.pollHead();
    this.running ??= this.run().catch((error: unknown) => {
      if (!this.closed) {
        this.lastError = errorMessage(error);
        this.logger.error({ err: this.lastError }, 'the persister stopped');
      }
    });
    return Promise.resolve();
  }

  health(): PersisterHealth {
    const headVersion = Math.max(this.headVersion, this.fold.version);
    return {
      up: this.booted && this.lastError === null && !this.closed,
      persistedVersion: this.persisted,
      foldedVersion: this.fold.version,
      headVersion,
      lag: Math.max(0, headVersion - this.persisted),
      lastSnapshotVersion: this.lastSnapshotVersion,
      lastError: this.lastError,
    };
  }

  /** Stops after the record in hand (abandoning its retries), writes the progress it has, and returns. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.backoff.abort();
    for (const timer of this.timers) clearInterval(timer);
    if (this.progressTimer) clearTimeout(this.progressTimer);
    await this.follower?.close();
    await this.running;
    await this.snapshotting;
    if (this.persisted > this.progressWritten) {
      await this.execute([progressStatement(this.ks, CONFIG_STREAM, this.persisted)]).catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    await this.retry('creating the schema', () => ensureStoreSchema(this.options.connection, this.options));
    const persisted = await this.retry('reading progress', () => this.history.persistedVersion());
    const snapshot = await this.retry('reading the newest snapshot', () => this.snapshots.latest());
    if (snapshot) {
      try {
        this.fold = ReplicaFold.fromSnapshot(snapshot, this.options.idempotency);
        this.lastSnapshotVersion = snapshot.version;
      } catch (error) {
        this.logger.warn({ err: errorMessage(error) }, 'the newest snapshot is unusable; folding from version 1');
      }
    }
    // A snapshot is only ever taken once its version is written, so it counts as written even if progress lags.
    this.writtenUpTo = Math.max(persisted, this.lastSnapshotVersion);
    this.persisted = this.writtenUpTo;
    this.progressWritten = persisted;
    const linker = this.options.chain;
    if (linker) {
      const links = new CassandraChainLinks({ ...this.options, logger: this.logger });
      this.chain = await this.retry('reading the hash chain', () =>
        links.resume(linker, this.fold.version, this.writtenUpTo),
      );
    }
    this.booted = true;
    this.logger.info(
      { persistedVersion: persisted, snapshotVersion: this.lastSnapshotVersion },
      'persister resuming from the newest snapshot',
    );
    this.startSnapshotTimer();
    this.follower = new LogFollower(
      {
        log: this.options.log,
        history: this.history,
        logger: this.logger,
        handle: (record) => this.persist(record),
        onError: (error) => {
          this.lastError = errorMessage(error);
          // A newer event schema cannot be folded correctly by this build: stop rather than store a wrong state.
          return error instanceof UnsupportedEventError ? 'stop' : 'retry';
        },
        backoff: this.options.backoff,
      },
      this.fold.version + 1,
    );
    if (this.closed) return;
    this.follower.start();
  }

  private async persist(record: LogRecord): Promise<void> {
    const outcome = this.fold.apply(record);
    // Only the log's order decides a record's predecessor, so the chain is linked here, not by the writers.
    const link = this.chain?.next(record);
    if (record.version > this.headVersion) this.headVersion = record.version;
    if (record.version <= this.writtenUpTo) {
      if (record.version > this.persisted) this.persisted = record.version;
      return;
    }
    const statements = [
      ...recordStatements(this.ks, record, outcome, link),
      ...auditStatements(this.ks, record, outcome),
    ];
    // Progress for the previous record rides along: it is already stored, and this saves a round trip.
    if (this.persisted > this.progressWritten) {
      statements.push(progressStatement(this.ks, CONFIG_STREAM, this.persisted));
    }
    const progressSent = this.persisted;
    await this.retry(`persisting version ${record.version}`, () => this.execute(statements));
    this.progressWritten = Math.max(this.progressWritten, progressSent);
    this.persisted = record.version;
    this.scheduleProgress();
    this.maybeSnapshot();
  }

  /** Writes the progress of the last record once the log goes quiet (the next record would carry it otherwise). */
  private scheduleProgress(): void {
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      const version = this.persisted;
      if (version <= this.progressWritten || this.closed) return;
      this.execute([progressStatement(this.ks, CONFIG_STREAM, version)]).then(
        () => (this.progressWritten = Math.max(this.progressWritten, version)),
        (error: unknown) => {
          this.lastError = errorMessage(error);
          this.scheduleProgress();
        },
      );
    }, 50);
  }

  /**
   * Snapshots the fold when enough versions or time have passed, but only between records whose writes are done,
   * so a snapshot never covers a version missing from the history.
   */
  private maybeSnapshot(): void {
    if (this.snapshotting || this.closed || this.fold.version !== this.persisted) return;
    const version = this.fold.version;
    if (version <= this.lastSnapshotVersion) return;
    const every = this.options.snapshotEvery ?? {};
    const due =
      version - this.lastSnapshotVersion >= (every.events ?? 1_000) ||
      Date.now() - this.lastSnapshotAt >= (every.ms ?? 60_000);
    if (!due) return;
    const snapshot = this.fold.toSnapshot();
    this.lastSnapshotAt = Date.now();
    this.snapshotting = this.snapshots
      .save(snapshot)
      .then(
        () => {
          this.lastSnapshotVersion = Math.max(this.lastSnapshotVersion, snapshot.version);
          this.logger.debug({ version, bytes: snapshot.payload.length }, 'snapshot saved');
        },
        (error: unknown) => this.logger.warn({ err: errorMessage(error), version }, 'saving a snapshot failed'),
      )
      .finally(() => (this.snapshotting = undefined));
  }

  private startSnapshotTimer(): void {
    const ms = this.options.snapshotEvery?.ms ?? 60_000;
    this.addTimer(setInterval(() => this.maybeSnapshot(), Math.max(10, Math.min(ms, 1_000))));
  }

  /** Reads the log head now and then, so the lag shows even while nothing can be persisted. */
  private pollHead(): void {
    const poll = (): void => {
      this.options.log.headVersion().then(
        (head) => (this.headVersion = Math.max(this.headVersion, head)),
        () => undefined,
      );
    };
    poll();
    this.addTimer(setInterval(poll, this.options.headPollMs ?? 2_000));
  }

  private addTimer(timer: NodeJS.Timeout): void {
    timer.unref();
    this.timers.push(timer);
  }

  private async execute(statements: readonly Statement[]): Promise<void> {
    if (statements.length === 1) {
      await this.options.connection.execute(statements[0].query, statements[0].params);
      return;
    }
    await concurrent.executeConcurrent(
      this.options.connection.client,
      statements.map((s) => ({ query: s.query, params: s.params })),
      { concurrencyLevel: this.options.concurrency ?? 32, raiseOnFirstError: true },
    );
  }

  /** Retries `work` with backoff until it succeeds or the persister is closed; never gives up on its own. */
  private async retry<T>(what: string, work: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.closed) throw new StoreClosedError('the persister is closed');
      try {
        const value = await work();
        if (this.backoff.attempts > 0) this.logger.info({ what }, 'cassandra writes recovered');
        this.backoff.reset();
        this.lastError = null;
        return value;
      } catch (error) {
        if (this.closed) throw new StoreClosedError('the persister is closed');
        // Driver errors append their inner errors on further lines; health shows the first.
        this.lastError = `${what}: ${errorMessage(error).split('\n')[0]}`;
        if (this.backoff.attempts % 10 === 0) {
          this.logger.warn({ err: this.lastError, attempt: this.backoff.attempts + 1 }, 'cassandra write failed');
        }
        await this.backoff.wait();
      }
    }
  }
}
