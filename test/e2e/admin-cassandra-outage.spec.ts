/**
 * Cassandra down, Kafka up: the admin still boots and takes writes (Kafka holds them), `/health` names the
 * degraded component, and once Cassandra is reachable the persister catches it up with fold(log).
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { CassandraConnection } from '@gantry/cassandra';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { eventually, storedStateHash } from '../../libs/store/src/testing/stored-state';
import { AdminClient } from '../conformance/admin/client';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from '../support/infra-env';
import { Relay } from '../support/tcp-relay';

interface HealthBody {
  info?: Record<string, unknown>;
  error?: Record<string, unknown>;
}

describe('admin while Cassandra is down', () => {
  let app: INestApplication | undefined;
  let relay: Relay | undefined;
  afterEach(async () => {
    await app?.close();
    await relay?.close();
  });

  it('acknowledges writes from Kafka alone, reports cassandra down, and persists once it is back', async () => {
    const [host, port] = cassandraContactPoints()[0].split(':');
    relay = await Relay.onFreePort({ host, port: Number(port ?? 9042) });
    const keyspace = uniqueName('outage');
    const settings = loadSettings(
      {
        GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
        GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
        // The relay refuses connections until open(): Cassandra is unreachable when the admin starts.
        GANTRY_CASSANDRA_CONTACT_POINTS: `127.0.0.1:${relay.port}`,
        GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
        GANTRY_KAFKA_TOPIC: uniqueName('outage'),
        GANTRY_CASSANDRA_KEYSPACE: keyspace,
      },
      CLUSTER_DEFAULTS,
    );
    app = await startAdmin(settings, { shutdownHooks: false });
    const client = new AdminClient((await app.getUrl()).replace('[::1]', '127.0.0.1'));

    let health: HealthBody = {};
    await eventually(
      async () => {
        health = (await client.get<HealthBody>('/health')).body;
        return health.info?.config !== undefined;
      },
      30_000,
      'the config to load without Cassandra',
    );
    expect(health.error).toHaveProperty('cassandra');
    expect(health.info).toHaveProperty('kafka');

    const service = await client.post<{ id: string }>('/services', { name: 'kept', url: 'http://kept.test' });
    expect(service.status).toBe(201);
    const route = await client.post('/services/kept/routes', { name: 'kept-route', paths: ['/kept'] });
    expect(route.status).toBe(201);
    const { config_hash: hash } = (await client.get<{ gantry: { config_hash: string } }>('/status')).body.gantry;

    await relay.open();
    const direct = new CassandraConnection({
      contactPoints: cassandraContactPoints(),
      localDataCenter: cassandraLocalDc(),
    });
    try {
      await direct.connect();
      await eventually(
        async () => {
          try {
            return (await storedStateHash(direct, keyspace)) === hash;
          } catch {
            return false; // the keyspace does not exist until the persister reaches Cassandra
          }
        },
        60_000,
        'the persister to catch Cassandra up',
      );
    } finally {
      await direct.close();
    }
    await eventually(async () => (await client.get('/health')).status === 200, 30_000, '/health to recover');
  });
});
