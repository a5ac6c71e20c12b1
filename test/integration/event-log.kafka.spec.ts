import { KafkaConnection } from '@gantry/kafka';
import { KafkaConfigLog, LogGapError, LogTopicError, LogUnavailableError } from '@gantry/event-log';
// Not exported from the library's index, which production code imports: the helper needs Jest.
import { describeConfigLogContract } from '../../libs/event-log/src/testing/config-log-contract';
import { ConfigResourceTypes } from 'kafkajs';
import pino from 'pino';
import { kafkaBrokers, uniqueName } from '../support/infra-env';

// jest.config.ts sets testTimeout inside `projects`, where Jest ignores it.
jest.setTimeout(30_000);

const silent = pino({ level: 'silent' });
let connection: KafkaConnection;
const topics: string[] = [];
const logs: KafkaConfigLog[] = [];

function newTopic(): string {
  const topic = uniqueName('config_log');
  topics.push(topic);
  return topic;
}

function newLog(topic = newTopic()): KafkaConfigLog {
  const log = new KafkaConfigLog({ connection, topic, logger: silent });
  logs.push(log);
  return log;
}

beforeAll(async () => {
  connection = new KafkaConnection({ brokers: kafkaBrokers(), clientId: 'gantry-test-event-log', logger: silent });
  await connection.connect();
});

afterAll(async () => {
  await Promise.all(logs.map((log) => log.close()));
  await connection.admin.deleteTopics({ topics }).catch(() => undefined);
  await connection.close();
});

describeConfigLogContract('kafka', () => newLog(), { timeoutMs: 30_000 });

describe('KafkaConfigLog against a real broker', () => {
  it('creates a single-partition topic that keeps history forever', async () => {
    const topic = newTopic();
    await newLog(topic).start();
    const [metadata] = (await connection.admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata.partitions).toHaveLength(1);
    const described = await connection.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    const config = Object.fromEntries(
      described.resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]),
    );
    expect(config).toMatchObject({
      'retention.ms': '-1',
      'retention.bytes': '-1',
      'cleanup.policy': 'delete',
      'min.insync.replicas': '1', // one broker here, so replication factor 1
    });
  });

  it('refuses a topic with more than one partition', async () => {
    const topic = newTopic();
    await connection.ensureTopic({ topic, numPartitions: 3 });
    const failure = newLog(topic).start();
    await expect(failure).rejects.toBeInstanceOf(LogTopicError);
    await expect(failure).rejects.toMatchObject({ code: 'GANTRY_LOG_TOPIC_INVALID' });
    await expect(failure).rejects.toThrow(/has 3 partitions/);
  });

  it('refuses a compacted topic', async () => {
    const topic = newTopic();
    await connection.ensureTopic({ topic, configs: { 'cleanup.policy': 'compact' } });
    await expect(newLog(topic).start()).rejects.toThrow(/compacted/);
  });

  it('reports records dropped from the topic as a gap, and serves what is still held', async () => {
    const log = newLog();
    await log.start();
    for (let i = 1; i <= 5; i++) await log.append(Buffer.from(`v${i}`));
    // What retention does to an old topic, done by hand: offsets 0-2 (versions 1-3) are gone.
    // kafkajs looks the partition leader up in cached metadata before loading any, so load it first.
    const topic = topics[topics.length - 1];
    await connection.admin.fetchTopicMetadata({ topics: [topic] });
    await connection.admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
    expect(await log.earliestVersion()).toBe(4);
    expect(await log.headVersion()).toBe(5);
    const gap = log.subscribe(2, () => undefined);
    await expect(gap).rejects.toBeInstanceOf(LogGapError);
    await expect(gap).rejects.toMatchObject({ code: 'GANTRY_LOG_GAP', requested: 2, earliest: 4 });

    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void log.subscribe(4, (record) => {
        seen.push(`${record.version}:${record.value.toString()}`);
        if (record.version === 5) resolve();
      });
    });
    await done;
    expect(seen).toEqual(['4:v4', '5:v5']);
  });

  it('orders appends from two writers (two processes) into one sequence both readers agree on', async () => {
    const topic = newTopic();
    const [a, b] = [newLog(topic), newLog(topic)];
    await a.start();
    await b.start();
    const writes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(Buffer.from(`w${i}`))),
    );
    expect(new Set(writes).size).toBe(40);
    const read = (log: KafkaConfigLog): Promise<string[]> =>
      new Promise((resolve) => {
        const values: string[] = [];
        void log.subscribe(1, (record) => {
          values.push(record.value.toString());
          if (values.length === 40) resolve(values);
        });
      });
    const [fromA, fromB] = await Promise.all([read(a), read(b)]);
    expect(fromA).toEqual(fromB);
    writes.forEach((version, i) => expect(fromA[version - 1]).toBe(`w${i}`));
  });

  it('rejects appends with LogUnavailableError within the deadline when the broker is unreachable', async () => {
    const dead = new KafkaConnection({
      brokers: ['127.0.0.1:1'],
      clientId: 'gantry-test-event-log-dead',
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1_000,
      logger: silent,
    });
    const log = new KafkaConfigLog({
      connection: dead,
      topic: uniqueName('never_created'),
      logger: silent,
      requestTimeoutMs: 2_000,
    });
    try {
      await expect(log.start()).rejects.toBeInstanceOf(LogUnavailableError);
      const deadlineMs = 2_000;
      const started = Date.now();
      const failure = log.append(Buffer.from('lost'), { deadlineMs });
      await expect(failure).rejects.toBeInstanceOf(LogUnavailableError);
      await expect(failure).rejects.toMatchObject({ code: 'GANTRY_LOG_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(deadlineMs + 1_000);
      const health = log.health();
      expect(health).toMatchObject({ up: false, backend: 'kafka' });
      expect(health.lastError).toMatch(/ECONNREFUSED|Connection|connect/i);
    } finally {
      await log.close();
      await dead.close();
    }
  });
});
