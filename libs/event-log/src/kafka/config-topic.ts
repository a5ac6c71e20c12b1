import type { KafkaConnection } from '@gantry/kafka';
import { ConfigResourceTypes } from 'kafkajs';
import type { Logger } from 'pino';
import { LogTopicError } from '../errors';

export interface ConfigTopicSpec {
  readonly topic: string;
  /** Replicas of the topic when it is created. Default: the number of brokers, at most 3. */
  readonly replicationFactor?: number;
  /** Default: a majority of the replicas (see `defaultMinInsyncReplicas`). */
  readonly minInsyncReplicas?: number;
}

/**
 * A majority of the replicas: with acks=all an acknowledged append is then on more than half of
 * them and survives the loss of any one broker (invariant 2). At replication factor 2 that means
 * both, so one broker down stops config writes (a clean 503) rather than risking an acknowledged
 * write that lives on a single disk.
 */
export function defaultMinInsyncReplicas(replicationFactor: number): number {
  return replicationFactor <= 1 ? 1 : Math.floor(replicationFactor / 2) + 1;
}

/** Creates the config topic if needed, then checks that it can serve as a totally ordered, complete log. */
export async function ensureConfigTopic(
  connection: KafkaConnection,
  spec: ConfigTopicSpec,
  logger: Logger,
): Promise<void> {
  const { admin } = connection;
  await admin.connect();
  const { brokers } = await admin.describeCluster();
  const replicationFactor = spec.replicationFactor ?? Math.min(3, brokers.length);
  const minInsyncReplicas = spec.minInsyncReplicas ?? defaultMinInsyncReplicas(replicationFactor);
  const created = await connection.ensureTopic({
    topic: spec.topic,
    numPartitions: 1,
    replicationFactor,
    configs: {
      // History is never deleted: a booting process replays it, and the fold needs all of it.
      'retention.ms': '-1',
      'retention.bytes': '-1',
      'cleanup.policy': 'delete',
      'min.insync.replicas': String(minInsyncReplicas),
    },
  });
  if (created) logger.info({ topic: spec.topic, replicationFactor, minInsyncReplicas }, 'created the config log topic');
  await verifyConfigTopic(connection, spec.topic, logger);
}

async function verifyConfigTopic(connection: KafkaConnection, topic: string, logger: Logger): Promise<void> {
  const { topics } = await connection.admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics.find((metadata) => metadata.name === topic)?.partitions.length ?? 0;
  if (partitions !== 1) {
    throw new LogTopicError(
      `topic ${topic} has ${partitions} partitions; the config log needs exactly one, because versions are a total order`,
    );
  }
  const described = await connection.admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configNames: ['cleanup.policy', 'retention.ms', 'retention.bytes'],
      },
    ],
  });
  const config = new Map(described.resources[0]?.configEntries.map((entry) => [entry.configName, entry.configValue]));
  if (config.get('cleanup.policy')?.includes('compact')) {
    throw new LogTopicError(`topic ${topic} is compacted; compaction removes versions the fold needs`);
  }
  if (config.get('retention.ms') !== '-1' || config.get('retention.bytes') !== '-1') {
    logger.warn(
      { topic, retentionMs: config.get('retention.ms'), retentionBytes: config.get('retention.bytes') },
      'the config topic deletes old records; booting processes will read the dropped versions from the event history',
    );
  }
}
