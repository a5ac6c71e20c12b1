import { KafkaConnection } from '@gantry/kafka';
import { kafkaBrokers, uniqueName } from '../support/infra-env';

describe('libs/kafka against a real broker', () => {
  let connection: KafkaConnection;

  beforeAll(async () => {
    connection = new KafkaConnection({ brokers: kafkaBrokers(), clientId: 'gantry-test' });
    await connection.connect();
  });

  afterAll(() => connection.close());

  it('reports the live connection as up', () => {
    const health = connection.health();
    expect(health.up).toBe(true);
    expect(health.lastOkAt).not.toBeNull();
  });

  it('produces with the idempotent producer and consumes the same records, in order', async () => {
    const topic = uniqueName('kafka_roundtrip');
    expect(await connection.ensureTopic({ topic, configs: { 'retention.ms': '-1' } })).toBe(true);
    expect(await connection.ensureTopic({ topic })).toBe(false); // already there: left alone

    const producer = await connection.idempotentProducer();
    const values = ['one', 'two', 'three'];
    for (const value of values) {
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });
    }

    const consumer = connection.kafka.consumer({ groupId: uniqueName('group') });
    const received: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            received.push(message.value?.toString() ?? '');
            if (received.length === values.length) resolve();
            return Promise.resolve();
          },
        });
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    expect(received).toEqual(values);

    const [metadata] = (await connection.admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata.partitions).toHaveLength(1);
    await connection.admin.deleteTopics({ topics: [topic] });
  });

  it('reports an unreachable broker as down with the reason, without throwing', async () => {
    const dead = new KafkaConnection({
      brokers: ['127.0.0.1:1'],
      clientId: 'gantry-test-dead',
      retries: 0,
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1_000,
    });
    try {
      await expect(dead.connect(3_000)).rejects.toThrow();
      const health = dead.health();
      expect(health.up).toBe(false);
      expect(health.lastError).toEqual(expect.any(String));
    } finally {
      await dead.close();
    }
  });
});
