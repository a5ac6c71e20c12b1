import 'reflect-metadata';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { DATA_PLANE_REGISTRY } from '@gantry/runtime';
import type { DataPlaneRegistry } from '@gantry/store';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from '../support/infra-env';
import { describeAdminConformance, type AdminStartOptions } from './admin-conformance';

/**
 * The conformance suite against the admin app in cluster mode: the config log on a real Kafka topic, the
 * persister, history and snapshots in a real Cassandra keyspace. Each admin gets its own topic and keyspace.
 */
async function waitUntilLoaded(baseUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${baseUrl}/health`);
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the cluster admin at ${baseUrl} did not become healthy`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function startCluster(options: AdminStartOptions = {}) {
  const settings = loadSettings(
    {
      GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
      GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
      GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
      GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
      GANTRY_KAFKA_TOPIC: uniqueName('conformance'),
      GANTRY_CASSANDRA_KEYSPACE: uniqueName('conformance'),
      ...(options.adminTokens === undefined ? {} : { GANTRY_ADMIN_TOKENS: options.adminTokens }),
    },
    CLUSTER_DEFAULTS,
  );
  const app = await startAdmin(settings, { shutdownHooks: false });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  await waitUntilLoaded(url);
  return { baseUrl: url, dataPlanes: app.get<DataPlaneRegistry>(DATA_PLANE_REGISTRY), close: () => app.close() };
}

describeAdminConformance('Kafka log, Cassandra store', startCluster);
