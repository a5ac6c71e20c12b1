import { ChainKeys, ChainVerifier, EmbeddedChain, EventChain } from '@gantry/audit';
import type { CassandraConnection } from '@gantry/cassandra';
import type { ConfigHealthSource } from '@gantry/health';
import { EmbeddedConfigLog, KafkaConfigLog, type ConfigLog } from '@gantry/event-log';
import type { KafkaConnection } from '@gantry/kafka';
import { childLogger, type Logger } from '@gantry/logging';
import { Backoff, LogConfigReplica, LogConfigWriter, Snapshotter } from '@gantry/replica';
import type { Settings } from '@gantry/settings';
import { createCassandraConnection, createKafkaConnection } from './backends';
import { crashAfterAppend } from './fault-injection';
import {
  CassandraChainLinks,
  CassandraDataPlaneRegistry,
  CassandraEventHistory,
  CassandraSnapshotStore,
  EmbeddedSnapshotStore,
  InMemoryDataPlaneRegistry,
  Persister,
  type DataPlaneRegistry,
  type EventHistory,
  type SnapshotStore,
} from '@gantry/store';

/** How long start-up waits for the snapshot store before booting from the log alone. */
const SNAPSHOT_STORE_OPEN_MS = 10_000;

/** Which jobs a process's plane runs besides its replica. */
export interface ConfigPlaneRole {
  /** Write history, current entities and snapshots to Cassandra (cluster admins). */
  readonly persister: boolean;
  /** Save local snapshots (embedded store). */
  readonly snapshotter: boolean;
}

export interface ConfigPlaneBackends {
  readonly kafka?: KafkaConnection;
  readonly cassandra?: CassandraConnection;
}

export type ConfigPlanePhase = 'new' | 'starting' | 'ready' | 'closed';

/**
 * Everything one process needs to hold and change the configuration: the log, the snapshot store (and, in
 * cluster mode, the event history), this process's replica of the fold, the read-your-writes writer, and the
 * persister or snapshotter. Standalone mode builds one and shares it between its three apps.
 */
export class ConfigPlane {
  readonly log: ConfigLog;
  readonly snapshots: SnapshotStore;
  readonly history: EventHistory | undefined;
  readonly replica: LogConfigReplica;
  readonly writer: LogConfigWriter;
  readonly persister: Persister | undefined;
  /** Replica status reports: a Cassandra table in cluster mode, this plane's memory (shared by its apps) otherwise. */
  readonly dataPlanes: DataPlaneRegistry;
  /** Verifies the audit hash chain (`GET /audit/verify`); absent in a plane that neither persists nor keeps it. */
  readonly auditChain: ChainVerifier | undefined;
  /** Links the embedded log into the chain file (embedded store, snapshotter role). */
  private readonly embeddedChain: EmbeddedChain | undefined;
  private snapshotter: Snapshotter | undefined;
  private readonly logger: Logger;
  private readonly backoff = new Backoff({ minMs: 250, maxMs: 5_000 });
  private phaseValue: ConfigPlanePhase = 'new';
  private starting: Promise<void> | undefined;
  private startError: string | null = null;

  readonly kafka: KafkaConnection | undefined;
  readonly cassandra: CassandraConnection | undefined;

  /**
   * A plane that opens (and on close, closes) its own backend connections, for processes that run several
   * apps on one plane (standalone mode).
   */
  static withOwnBackends(settings: Settings, role: ConfigPlaneRole): ConfigPlane {
    const kafka = settings.log === 'kafka' ? createKafkaConnection(settings) : undefined;
    const cassandra = settings.store === 'cassandra' ? createCassandraConnection(settings) : undefined;
    return new ConfigPlane(settings, { kafka, cassandra }, role, true);
  }

  constructor(
    private readonly settings: Settings,
    backends: ConfigPlaneBackends,
    private readonly role: ConfigPlaneRole,
    private readonly ownsBackends = false,
  ) {
    this.logger = childLogger('config-plane');
    const { kafka, cassandra } = backends;
    this.kafka = kafka;
    this.cassandra = cassandra;
    if (settings.log === 'kafka') {
      if (!kafka) throw new Error('config plane: GANTRY_LOG=kafka needs a Kafka connection');
      this.log = new KafkaConfigLog({ connection: kafka, topic: settings.kafka.topic, logger: childLogger('log') });
    } else {
      this.log = new EmbeddedConfigLog({ dataDir: settings.dataDir, logger: childLogger('log') });
    }
    if (settings.faults.crashAfterAppend) this.log = crashAfterAppend(this.log);
    const keyspace = settings.cassandra.keyspace;
    // Only planes that keep the history keep the audit chain. Reading the keys here makes a bad
    // GANTRY_AUDIT_SIGNING_KEY / _VERIFY_KEY fail such a process at start; proxies never read them.
    const chain = role.persister || role.snapshotter ? new EventChain(ChainKeys.load(settings.audit)) : undefined;
    if (settings.store === 'cassandra') {
      if (!cassandra) throw new Error('config plane: GANTRY_STORE=cassandra needs a Cassandra connection');
      // The store's start() creates the keyspace and every table, so the plane needs no migration step.
      this.snapshots = new CassandraSnapshotStore({
        connection: cassandra,
        keyspace,
        replication: settings.cassandra.replication,
        ...settings.snapshots,
        logger: childLogger('store'),
      });
      this.history = new CassandraEventHistory({ connection: cassandra, keyspace });
      this.dataPlanes = new CassandraDataPlaneRegistry({ connection: cassandra, keyspace });
      this.persister = role.persister
        ? new Persister({
            log: this.log,
            connection: cassandra,
            keyspace,
            replication: settings.cassandra.replication,
            snapshotRetention: settings.snapshots,
            logger: childLogger('persister'),
            chain,
          })
        : undefined;
      this.embeddedChain = undefined;
      this.auditChain =
        chain && new ChainVerifier(new CassandraChainLinks({ connection: cassandra, keyspace }), chain.keys);
    } else {
      this.snapshots = new EmbeddedSnapshotStore({
        dataDir: settings.dataDir,
        ...settings.snapshots,
        logger: childLogger('store'),
      });
      this.history = undefined;
      this.persister = undefined;
      this.dataPlanes = new InMemoryDataPlaneRegistry();
      this.embeddedChain = chain
        ? new EmbeddedChain({ log: this.log, dataDir: settings.dataDir, chain, logger: childLogger('audit-chain') })
        : undefined;
      this.auditChain = chain && this.embeddedChain ? new ChainVerifier(this.embeddedChain, chain.keys) : undefined;
    }
    this.replica = new LogConfigReplica({
      log: this.log,
      snapshots: this.snapshots,
      history: this.history,
      logger: childLogger('replica'),
    });
    this.writer = new LogConfigWriter({ log: this.log, replica: this.replica });
  }

  get phase(): ConfigPlanePhase {
    return this.phaseValue;
  }

  /** Set while start-up is retrying a backend that is down. */
  get lastStartError(): string | null {
    return this.startError;
  }

  /** For `/health`: whether the configuration is loaded, and how far behind the log this process is. */
  configHealth(): ConfigHealthSource {
    const progress = this.replica.progress();
    const lastError = this.phaseValue === 'starting' ? this.startError : progress.lastError;
    return { ready: this.phaseValue === 'ready', version: progress.version, lag: progress.lag, lastError };
  }

  /**
   * Opens the log and the store (retrying while a backend is down), boots the replica and starts the persister
   * or snapshotter. Resolves once the replica has caught up with the log.
   */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  async close(): Promise<void> {
    if (this.phaseValue === 'closed') return;
    this.phaseValue = 'closed';
    this.backoff.abort();
    await this.starting?.catch(() => undefined);
    // The snapshotter saves a last snapshot on close, so it goes before the replica and the log.
    await this.snapshotter?.close().catch((error: unknown) => this.logger.warn({ err: error }, 'snapshotter close'));
    await Promise.allSettled([this.persister?.close(), this.replica.close(), this.embeddedChain?.close()]);
    await Promise.allSettled([this.log.close(), this.snapshots.close()]);
    if (this.ownsBackends) await Promise.allSettled([this.kafka?.close(), this.cassandra?.close()]);
  }

  private async run(): Promise<void> {
    this.phaseValue = 'starting';
    await this.retry('opening the config log', () => this.log.start());
    this.startError = null;
    // Cassandra being down must not stop writes: Kafka holds them. Without a snapshot store the replica boots
    // from the log alone (it still starts at version 1 unless retention dropped records), and the persister
    // catches Cassandra up once it is back.
    await this.openSnapshotStore();
    if (this.persister) void this.persister.start().catch((error: unknown) => this.failed('persister', error));
    // A chain that cannot continue (damaged file, log cut) leaves verification to say so; the plane still serves.
    await this.embeddedChain?.start().catch((error: unknown) => this.failed('audit chain', error));
    await this.replica.start();
    if (this.role.snapshotter && this.settings.store === 'embedded') {
      this.snapshotter = new Snapshotter(this.replica, this.snapshots, { logger: childLogger('snapshotter') });
      this.snapshotter.start();
    }
    if (this.phaseValue === 'starting') this.phaseValue = 'ready';
  }

  private async openSnapshotStore(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${SNAPSHOT_STORE_OPEN_MS} ms`)),
        SNAPSHOT_STORE_OPEN_MS,
      );
    });
    try {
      await Promise.race([this.snapshots.start(), deadline]);
    } catch (error) {
      this.logger.warn({ err: error }, 'snapshot store unavailable; booting from the log alone');
    } finally {
      clearTimeout(timer);
    }
  }

  private async retry(what: string, work: () => Promise<void>): Promise<void> {
    for (;;) {
      if (this.phaseValue === 'closed') throw new Error('config plane closed while starting');
      try {
        await work();
        this.backoff.reset();
        return;
      } catch (error) {
        this.startError = `${what}: ${error instanceof Error ? error.message : String(error)}`;
        this.logger.warn({ err: error }, `${what} failed; retrying`);
        if (!(await this.backoff.wait())) throw new Error('config plane closed while starting');
      }
    }
  }

  private failed(what: string, error: unknown): void {
    if (this.phaseValue === 'closed') return;
    this.logger.error({ err: error }, `${what} stopped`);
  }
}
