/**
 * One Kafka client and one Cassandra session for a test file, with clean-up that tests register as they go:
 * topics and keyspaces are deleted after the file, `closers` run after each test, newest first.
 */
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConfigLog } from '@gantry/event-log';
import { KafkaConnection } from '@gantry/kafka';
import { Persister, type PersisterOptions } from '@gantry/store';
import pino from 'pino';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from './infra-env';

const silent = pino({ level: 'silent' });

export interface SharedBackends {
  readonly kafka: KafkaConnection;
  readonly cassandra: CassandraConnection;
  /** Topics to delete after the file. */
  readonly topics: string[];
  /** Keyspaces to drop after the file. */
  readonly keyspaces: string[];
  /** Run after each test, newest first. */
  readonly closers: (() => Promise<unknown>)[];
  /** A fresh keyspace name, dropped after the file. */
  newKeyspace(prefix: string): string;
  /** A started config log on a fresh topic: closed after the test, deleted after the file. */
  newLog(prefix: string): Promise<KafkaConfigLog>;
  /** A persister with test timings (fast retries, a snapshot every 10 events), closed after the test. */
  newPersister(options: Pick<PersisterOptions, 'log' | 'keyspace'> & Partial<PersisterOptions>): Persister;
}

/** Registers the Jest hooks; call at the top level of a test file. */
export function useSharedBackends(clientId: string): SharedBackends {
  let kafka: KafkaConnection | undefined;
  let cassandra: CassandraConnection | undefined;
  const shared: SharedBackends = {
    get kafka(): KafkaConnection {
      if (!kafka) throw new Error('Kafka is connected in beforeAll');
      return kafka;
    },
    get cassandra(): CassandraConnection {
      if (!cassandra) throw new Error('Cassandra is connected in beforeAll');
      return cassandra;
    },
    topics: [],
    keyspaces: [],
    closers: [],
    newKeyspace(prefix) {
      const keyspace = uniqueName(prefix);
      shared.keyspaces.push(keyspace);
      return keyspace;
    },
    async newLog(prefix) {
      const topic = uniqueName(prefix);
      shared.topics.push(topic);
      const log = new KafkaConfigLog({ connection: shared.kafka, topic, logger: silent });
      await log.start();
      shared.closers.push(() => log.close());
      return log;
    },
    newPersister(options) {
      const persister = new Persister({
        connection: shared.cassandra,
        replication: { [cassandraLocalDc()]: 1 },
        snapshotEvery: { events: 10, ms: 60_000 },
        backoff: { minMs: 50, maxMs: 500 },
        headPollMs: 200,
        logger: silent,
        ...options,
      });
      shared.closers.push(() => persister.close());
      return persister;
    },
  };

  beforeAll(async () => {
    kafka = new KafkaConnection({ brokers: kafkaBrokers(), clientId, logger: silent });
    await kafka.connect();
    cassandra = new CassandraConnection({
      contactPoints: cassandraContactPoints(),
      localDataCenter: cassandraLocalDc(),
    });
    await cassandra.connect();
  });

  afterEach(async () => {
    for (const close of shared.closers.splice(0).reverse()) await close();
  });

  afterAll(async () => {
    await kafka?.admin.deleteTopics({ topics: shared.topics }).catch(() => undefined);
    for (const keyspace of shared.keyspaces) await cassandra?.dropKeyspace(keyspace);
    await kafka?.close();
    await cassandra?.close();
  });

  return shared;
}
