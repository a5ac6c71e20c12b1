import { KafkaConnection } from '@gantry/kafka';
import pino from 'pino';
import { type AppendBenchResult, measureAppends } from '../measure-appends.bench';
import { KafkaConfigLog } from './kafka-config-log';

export interface KafkaAppendBench {
  readonly concurrency: number;
  readonly count: number;
  readonly brokers: readonly string[];
  readonly valueBytes?: number;
}

/** Acknowledged (acks=all) appends per second and per-append latency, on a fresh topic that is deleted afterwards. */
export async function benchKafkaAppend(options: KafkaAppendBench): Promise<AppendBenchResult> {
  const logger = pino({ level: 'silent' });
  const connection = new KafkaConnection({ brokers: options.brokers, clientId: 'gantry-bench', logger });
  const topic = `gantry_bench_${Date.now().toString(36)}`;
  const log = new KafkaConfigLog({ connection, topic, logger });
  try {
    await log.start();
    await log.append(Buffer.from('warm-up')); // connects the producer outside the measurement
    return await measureAppends((value) => log.append(value), options);
  } finally {
    await log.close();
    await connection.admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await connection.close();
  }
}

// npx ts-node -T -r tsconfig-paths/register libs/event-log/src/kafka/kafka-log.bench.ts [brokers]
if (require.main === module) {
  void (async () => {
    const brokers = (process.argv[2] ?? '127.0.0.1:9092').split(',');
    for (const concurrency of [1, 16]) {
      const result = await benchKafkaAppend({ concurrency, count: concurrency === 1 ? 1_000 : 8_000, brokers });
      console.log(JSON.stringify({ concurrency, ...result }));
    }
  })();
}
