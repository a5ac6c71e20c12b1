/**
 * Jest global setup of the integration project: makes Kafka, Cassandra and Redis ready (reusing
 * running ones, starting the rest from the cached jars and packages) and hands their addresses to the
 * test workers.
 * Readiness failing throws, so the run fails: nothing is skipped.
 */
import { COMPONENTS, type ComponentName, ensureUp, InfraUpError, isComponentName, stop } from '../../infra/src';
import { envFlag, envList } from '../../infra/src/env';
import { sweepTestKeyspaces } from './sweep-test-keyspaces';

declare global {
  /** What this Jest run started, for the global teardown (same process). */
  var __GANTRY_INFRA_STARTED__: ComponentName[] | undefined;
}

/** GANTRY_TEST_INFRA=kafka,cassandra,redis narrows what is provisioned (default: all of them). */
function requestedComponents(): ComponentName[] {
  const names = envList(process.env, 'GANTRY_TEST_INFRA');
  if (!names) return [...COMPONENTS];
  for (const name of names) {
    if (!isComponentName(name)) {
      throw new Error(`GANTRY_TEST_INFRA: unknown component "${name}" (expected a list of ${COMPONENTS.join(', ')})`);
    }
  }
  return names as ComponentName[];
}

/** Test keyspaces older than this belong to runs that are over (a full run takes about ten minutes). */
const STALE_AFTER_MS = 60 * 60 * 1000;

export default async function globalSetup(): Promise<void> {
  const components = requestedComponents();
  const log = (msg: string) => console.log(`[infra] ${msg}`);
  console.log('');
  try {
    const { started, endpoints, results } = await ensureUp(components, log);
    globalThis.__GANTRY_INFRA_STARTED__ = started;
    for (const r of results) {
      const verb = { started: 'started', reused: 'reused', 'not-ours': 'reused (not ours)', external: 'external' }[
        r.state
      ];
      log(`${r.component} ${verb} at ${r.address} in ${(r.totalMs / 1000).toFixed(1)} s`);
    }
    if (components.includes('kafka')) process.env.GANTRY_KAFKA_BROKERS = endpoints.kafkaBrokers.join(',');
    if (components.includes('cassandra')) {
      process.env.GANTRY_CASSANDRA_CONTACT_POINTS = endpoints.cassandraContactPoints.join(',');
      process.env.GANTRY_CASSANDRA_LOCAL_DC = endpoints.cassandraLocalDc;
      // Only a node the infra scripts manage and this run did not just start has earlier runs' leftovers.
      if (results.some((r) => r.component === 'cassandra' && r.state === 'reused')) {
        await sweepTestKeyspaces(endpoints.cassandraContactPoints, endpoints.cassandraLocalDc, STALE_AFTER_MS, log);
      }
    }
    if (components.includes('redis')) process.env.GANTRY_REDIS_URL = endpoints.redisUrl;
    if (components.includes('consul')) process.env.CONSUL_HTTP_ADDR = endpoints.consulAddress;
    if (components.includes('k8s')) process.env.KUBECONFIG = endpoints.kubeconfig;
  } catch (error) {
    // Jest skips the global teardown when the setup throws: stop here what this run had started.
    if (error instanceof InfraUpError && error.started.length > 0 && !envFlag(process.env, 'GANTRY_KEEP_INFRA')) {
      await stop(error.started);
    }
    throw error;
  }
}
