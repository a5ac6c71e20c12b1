import { Kafka, logLevel } from 'kafkajs';

/**
 * Creates the config topic before Gantry does, as Gantry would (one partition, history kept forever) but with
 * `max.message.bytes` raised to `maxMessageBytes`: Kafka's default (1 MiB) is smaller than one changeset of
 * 10,000 targets. Gantry's own topic check then finds it and keeps it.
 */
export async function createConfigTopic(
  brokers: readonly string[],
  topic: string,
  maxMessageBytes: number,
): Promise<void> {
  const admin = new Kafka({
    brokers: [...brokers],
    clientId: 'gantry-bench-discovery',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: -1,
          configEntries: [
            { name: 'max.message.bytes', value: String(maxMessageBytes) },
            { name: 'retention.ms', value: '-1' },
            { name: 'retention.bytes', value: '-1' },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}
