/**
 * One Kafka client and one Cassandra session for a test file, with clean-up that tests register as they go:
 * topics and keyspaces are deleted after the file, `closers` run after each test, newest first.
 */
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConnection } from '@gantry/kafka';
import pino from 'pino';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers } from './infra-env';

export interface SharedBackends {
  readonly kafka: KafkaConnection;
  readonly cassandra: CassandraConnection;
  /** Topics to delete after the file. */
  readonly topics: string[];
  /** Keyspaces to drop after the file. */
  readonly keyspaces: string[];
  /** Run after each test, newest first. */
  readonly closers: (() => Promise<unknown>)[];
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
  };

  beforeAll(async () => {
    kafka = new KafkaConnection({ brokers: kafkaBrokers(), clientId, logger: pino({ level: 'silent' }) });
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
