import { defaultMinInsyncReplicas } from '@gantry/event-log';
import { Kafka, logLevel } from 'kafkajs';
import { type AppendBenchResult, measureAppends } from '../../../libs/event-log/src/measure-appends.bench';

export interface RawKafkaProducerBench {
  readonly brokers: readonly string[];
  readonly concurrency: number;
  readonly count: number;
  readonly valueBytes: number;
}

/**
 * Reference for the Kafka log: a default kafkajs producer (not idempotent, requests pipelined) sending
 * each append as its own `send({ acks: -1 })`, on a fresh single-partition topic created with the
 * config topic's replication settings, on the same broker. No batching of concurrent appends, no
 * deadline, no producer fencing. The topic is deleted afterwards.
 */
export async function benchRawKafkaProducer(options: RawKafkaProducerBench): Promise<AppendBenchResult> {
  const kafka = new Kafka({
    clientId: 'gantry-bench-reference',
    brokers: [...options.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const topic = `gantry_bench_ref_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const replicationFactor = Math.min(3, brokers.length);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(defaultMinInsyncReplicas(replicationFactor)) }],
        },
      ],
    });
    await producer.connect();
    // Connects to the partition leader outside the measurement, as benchKafkaAppend does.
    await producer.send({ topic, acks: -1, messages: [{ value: 'warm-up' }] });
    let appended = 0;
    return await measureAppends(async (value) => {
      await producer.send({ topic, acks: -1, messages: [{ value }] });
      return ++appended;
    }, options);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
