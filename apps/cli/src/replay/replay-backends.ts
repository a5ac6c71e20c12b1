import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConfigLog } from '@gantry/event-log';
import { KafkaConnection } from '@gantry/kafka';
import type { Logger } from '@gantry/logging';
import { ReplayInvalidError } from '@gantry/audit';
import { CassandraEventHistory, CassandraSnapshotStore } from '@gantry/store';
import type { ReplayCommand } from './replay-args';

/** The live cluster's log, history and snapshots as the replay reads them; `close()` releases everything. */
export class ReplayBackends {
  kafka: KafkaConnection | undefined;
  log: KafkaConfigLog | undefined;
  cassandra: CassandraConnection | undefined;
  history: CassandraEventHistory | undefined;
  snapshots: CassandraSnapshotStore | undefined;

  /**
   * Connects to what the command names and checks that the topic and the keyspace exist: a replay must not
   * create the topic it reads (KafkaConfigLog.start() would) and must say so when it points at the wrong place.
   */
  static async open(command: ReplayCommand, logger: Logger): Promise<ReplayBackends> {
    const backends = new ReplayBackends();
    try {
      if (command.kafka) {
        const { brokers, topic } = command.kafka;
        backends.kafka = new KafkaConnection({ brokers, clientId: 'gantry-replay', logger });
        await backends.kafka.connect().catch((error: unknown) => {
          throw new Error(`cannot reach Kafka at ${brokers.join(',')}: ${message(error)}`);
        });
        const topics = await backends.kafka.admin.listTopics();
        if (!topics.includes(topic)) {
          throw new ReplayInvalidError(`topic ${topic} does not exist on ${brokers.join(',')} (--topic)`);
        }
        backends.log = new KafkaConfigLog({ connection: backends.kafka, topic, logger });
        await backends.log.start();
      }
      if (command.cassandra) {
        const { contactPoints, localDataCenter, keyspace } = command.cassandra;
        // Creating a target keyspace is a burst of schema changes, which a busy cluster can take long to agree on.
        backends.cassandra = new CassandraConnection({ contactPoints, localDataCenter, logger, readTimeoutMs: 60_000 });
        await backends.cassandra.connect().catch((error: unknown) => {
          throw new Error(`cannot reach Cassandra at ${contactPoints.join(',')}: ${message(error)}`);
        });
        const found = await backends.cassandra.execute(
          'SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?',
          [keyspace],
        );
        if (found.rowLength === 0) {
          throw new ReplayInvalidError(
            `keyspace ${keyspace} does not exist on ${contactPoints.join(',')} (--keyspace); ` +
              'with no history to read, pass --no-cassandra',
          );
        }
        backends.history = new CassandraEventHistory({ connection: backends.cassandra, keyspace });
        backends.snapshots = new CassandraSnapshotStore({ connection: backends.cassandra, keyspace, logger });
      }
      return backends;
    } catch (error) {
      await backends.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.log?.close().catch(() => undefined);
    await Promise.allSettled([this.kafka?.close(), this.cassandra?.close()]);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
