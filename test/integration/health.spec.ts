import type { INestApplication } from '@nestjs/common';
import { CLUSTER_DEFAULTS, loadSettings, type Settings } from '@gantry/settings';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { startDiscovery } from '../../apps/discovery/src/discovery.bootstrap';
import { GatewayLifecycle } from '../../apps/proxy/src/gateway/gateway.lifecycle';
import { startProxy } from '../../apps/proxy/src/proxy.bootstrap';
import {
  cassandraContactPoints,
  cassandraLocalDc,
  consulAddress,
  kafkaBrokers,
  uniqueName,
} from '../support/infra-env';

interface HealthBody {
  status: string;
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; message?: string }>;
}

function clusterSettings(overrides: Record<string, string> = {}): Settings {
  return loadSettings(
    {
      GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
      GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
      GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
      GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
      GANTRY_STATUS_LISTEN: '127.0.0.1:0',
      GANTRY_PROXY_LISTEN: '127.0.0.1:0',
      GANTRY_PROXY_TLS_LISTEN: '127.0.0.1:0',
      GANTRY_DISCOVERY_STATUS_LISTEN: '127.0.0.1:0',
      GANTRY_KAFKA_TOPIC: uniqueName('health'),
      GANTRY_CASSANDRA_KEYSPACE: uniqueName('health'),
      ...overrides,
    },
    CLUSTER_DEFAULTS,
  );
}

async function health(app: INestApplication): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${await app.getUrl()}/health`.replace('[::1]', '127.0.0.1'));
  return { status: response.status, body: (await response.json()) as HealthBody };
}

type HealthAnswer = { status: number; body: HealthBody };

/** Connections come up in the background after boot, so poll until the answer settles as expected. */
async function settledHealth(app: INestApplication, settled: (answer: HealthAnswer) => boolean): Promise<HealthAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await health(app);
    if (settled(result) || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('GET /health of each app, against real Kafka and Cassandra', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it.each([
    ['admin', startAdmin],
    ['proxy', startProxy],
    ['discovery', startDiscovery],
  ] as const)('%s answers 200 with kafka and cassandra up', async (_name, start) => {
    const app = await start(clusterSettings(), { shutdownHooks: false });
    apps.push(app);
    const { status, body } = await settledHealth(app, (answer) => answer.status === 200);
    expect(status).toBe(200);
    expect(body.info).toMatchObject({ kafka: { status: 'up' }, cassandra: { status: 'up' }, config: { status: 'up' } });
  });

  it('answers 503 naming kafka when the broker cannot be reached', async () => {
    const app = await startAdmin(clusterSettings({ GANTRY_KAFKA_BROKERS: '127.0.0.1:1' }), { shutdownHooks: false });
    apps.push(app);
    const { status, body } = await settledHealth(
      app,
      (answer) => answer.body.error?.kafka !== undefined && answer.body.info?.cassandra !== undefined,
    );
    expect(status).toBe(503);
    expect(body.error).toHaveProperty('kafka');
    expect(body.info).toHaveProperty('cassandra');
    expect(body.error?.kafka.status).toBe('down');
  });

  it('answers 503 naming cassandra when the node cannot be reached', async () => {
    const app = await startProxy(clusterSettings({ GANTRY_CASSANDRA_CONTACT_POINTS: '127.0.0.1:1' }), {
      shutdownHooks: false,
    });
    apps.push(app);
    const { status, body } = await settledHealth(
      app,
      (answer) => answer.body.error?.cassandra !== undefined && answer.body.info?.kafka !== undefined,
    );
    expect(status).toBe(503);
    expect(body.error).toHaveProperty('cassandra');
    expect(body.info).toHaveProperty('kafka');
  });

  describe('discovery', () => {
    afterEach(() => {
      delete process.env.GANTRY_DISCOVERY_CONSUL;
    });

    /** The discovery module reads its sources from the environment when it is built. */
    async function startDiscoveryWithConsul(address: string): Promise<INestApplication> {
      process.env.GANTRY_DISCOVERY_CONSUL = address;
      const app = await startDiscovery(clusterSettings(), { shutdownHooks: false });
      apps.push(app);
      return app;
    }

    it('reports each source of the leader synced', async () => {
      const app = await startDiscoveryWithConsul(consulAddress());
      // Up as a standby until it wins the lease, then up as the leader once Consul is synced.
      const { status, body } = await settledHealth(
        app,
        (answer) => answer.status === 200 && (answer.body.info?.discovery as { role?: string }).role === 'leader',
      );
      expect(status).toBe(200);
      expect(body.info?.discovery).toEqual({ status: 'up', role: 'leader', sources: { 'consul:dc1': 'synced' } });
    });

    it('answers 503 naming the source when its registry cannot be reached', async () => {
      const app = await startDiscoveryWithConsul('http://127.0.0.1:1');
      const { status, body } = await settledHealth(app, (answer) => answer.body.error?.discovery !== undefined);
      expect(status).toBe(503);
      expect(body.error?.discovery).toMatchObject({ status: 'down', role: 'leader' });
      expect(body.error?.discovery.message).toMatch(/^consul:\S+ not (running|synced)/);
      expect(body.info).toMatchObject({ kafka: { status: 'up' }, cassandra: { status: 'up' } });
    });
  });

  it('serves Kong’s 404 on the gateway port while no route is configured', async () => {
    const app = await startProxy(clusterSettings(), { shutdownHooks: false });
    apps.push(app);
    const gateway = app.get(GatewayLifecycle);
    await gateway.opened();
    const { port } = gateway.gateway!.address();
    const response = await fetch(`http://127.0.0.1:${port}/anything`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { message: string; request_id: string };
    expect(body.message).toBe('no Route matched with those values');
    expect(body.request_id).toEqual(expect.any(String));
  });
});
