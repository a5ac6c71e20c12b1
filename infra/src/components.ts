import { CASSANDRA_VERSION, cassandraInstance, type CassandraSpec } from './cassandra';
import { type Env, envHeap, envList, envPort, envSeconds, envString } from './env';
import type { Instance } from './instance';
import { KAFKA_VERSION, kafkaInstance, type KafkaSpec } from './kafka';
import { cacheDir, instanceDir } from './paths';
import { type Probe, probeCassandra, probeKafka } from './readiness';

export type ComponentName = 'kafka' | 'cassandra';

/** Start order: Kafka, then Cassandra, one JVM after the other. */
export const COMPONENTS: readonly ComponentName[] = ['kafka', 'cassandra'];

export function isComponentName(value: string): value is ComponentName {
  return (COMPONENTS as readonly string[]).includes(value);
}

/** The default Kafka cluster (`kafka`), from the environment. */
export function kafkaSpecFromEnv(env: Env = process.env): KafkaSpec {
  return {
    name: 'kafka',
    port: envPort(env, 'GANTRY_KAFKA_PORT', 9092),
    controllerPort: envPort(env, 'GANTRY_KAFKA_CONTROLLER_PORT', 9093),
    heap: envHeap(env, 'GANTRY_KAFKA_HEAP', '512m'),
    version: envString(env, 'GANTRY_KAFKA_VERSION', KAFKA_VERSION),
    readyTimeoutMs: envSeconds(env, 'GANTRY_KAFKA_READY_TIMEOUT', 120),
    dir: instanceDir('kafka', env),
    cacheDir: cacheDir(env),
  };
}

/** The default Cassandra node (`cassandra`, dc1/rack1), from the environment. */
export function cassandraSpecFromEnv(env: Env = process.env): CassandraSpec {
  return {
    name: 'cassandra',
    listenAddress: '127.0.0.1',
    nativePort: envPort(env, 'GANTRY_CASSANDRA_PORT', 9042),
    storagePort: envPort(env, 'GANTRY_CASSANDRA_STORAGE_PORT', 7000),
    jmxPort: envPort(env, 'GANTRY_CASSANDRA_JMX_PORT', 7199),
    dc: 'dc1',
    rack: 'rack1',
    initialToken: '0',
    heap: envHeap(env, 'GANTRY_CASSANDRA_HEAP', '1g'),
    version: envString(env, 'GANTRY_CASSANDRA_VERSION', CASSANDRA_VERSION),
    readyTimeoutMs: envSeconds(env, 'GANTRY_CASSANDRA_READY_TIMEOUT', 240),
    dir: instanceDir('cassandra', env),
    cacheDir: cacheDir(env),
  };
}

/** The instance we run for a component (whatever the GANTRY_*_BROKERS/CONTACT_POINTS overrides say). */
export function managedInstance(component: ComponentName, env: Env = process.env): Instance {
  return component === 'kafka' ? kafkaInstance(kafkaSpecFromEnv(env)) : cassandraInstance(cassandraSpecFromEnv(env));
}

/** A cluster named by the environment: we never start or stop it, only check that it answers. */
export interface ExternalTarget {
  readonly component: ComponentName;
  readonly variable: string;
  readonly addresses: readonly string[];
  readonly readyTimeoutMs: number;
  readonly probe: Probe;
}

export type Target =
  | { readonly kind: 'managed'; readonly component: ComponentName; readonly instance: Instance }
  | ({ readonly kind: 'external' } & ExternalTarget);

/** What `up` works on for a component: GANTRY_KAFKA_BROKERS / GANTRY_CASSANDRA_CONTACT_POINTS win. */
export function target(component: ComponentName, env: Env = process.env): Target {
  if (component === 'kafka') {
    const brokers = envList(env, 'GANTRY_KAFKA_BROKERS');
    if (brokers) {
      return {
        kind: 'external',
        component,
        variable: 'GANTRY_KAFKA_BROKERS',
        addresses: brokers,
        readyTimeoutMs: envSeconds(env, 'GANTRY_KAFKA_READY_TIMEOUT', 120),
        probe: (timeoutMs) => probeKafka(brokers, timeoutMs),
      };
    }
  } else {
    const contactPoints = envList(env, 'GANTRY_CASSANDRA_CONTACT_POINTS');
    if (contactPoints) {
      const localDc = envString(env, 'GANTRY_CASSANDRA_LOCAL_DC', 'dc1');
      return {
        kind: 'external',
        component,
        variable: 'GANTRY_CASSANDRA_CONTACT_POINTS',
        addresses: contactPoints,
        readyTimeoutMs: envSeconds(env, 'GANTRY_CASSANDRA_READY_TIMEOUT', 240),
        probe: (timeoutMs) => probeCassandra(contactPoints, localDc, timeoutMs),
      };
    }
  }
  return { kind: 'managed', component, instance: managedInstance(component, env) };
}
