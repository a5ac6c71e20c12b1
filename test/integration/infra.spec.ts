import { Client } from 'cassandra-driver';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, redisUrl, uniqueName } from '../support/infra-env';

describe('infra: the Kafka, Cassandra and Redis the global setup provides', () => {
  it('Kafka answers cluster metadata, and creates and describes a topic', async () => {
    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: 'gantry-infra-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const topic = uniqueName('infra_topic');
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
      expect(cluster.clusterId).toEqual(expect.any(String));

      expect(await admin.createTopics({ topics: [{ topic }], waitForLeaders: true })).toBe(true);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics).toHaveLength(1);
      expect(topics[0].partitions[0].leader).toBeGreaterThanOrEqual(0);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('Cassandra answers CQL with a 5.0 release in the local data centre', async () => {
    const client = new Client({ contactPoints: cassandraContactPoints(), localDataCenter: cassandraLocalDc() });
    try {
      await client.connect();
      const row = (await client.execute('SELECT release_version, data_center FROM system.local')).first();
      expect(String(row.get('release_version'))).toMatch(/^5\.0/);
      expect(row.get('data_center')).toBe(cassandraLocalDc());
    } finally {
      await client.shutdown();
    }
  });

  it('Redis answers PING, a 7.x server, and expires keys', async () => {
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    const key = uniqueName('infra_key');
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.info('server')).toMatch(/^redis_version:7\./m);
      expect(await redis.set(key, 'v', 'EX', 30)).toBe('OK');
      expect(await redis.get(key)).toBe('v');
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
      await redis.del(key);
    } finally {
      await redis.quit();
    }
  });

  it('uniqueName gives names valid for topics and keyspaces', () => {
    const names = Array.from({ length: 50 }, () => uniqueName('Some-Very Long Prefix 123 for a keyspace name'));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]{0,47}$/);
    expect(uniqueName('9lives')).toMatch(/^lives_/);
  });
});
