import { CASSANDRA_VERSION, cassandraInstance, type CassandraSpec } from './cassandra';
import { type Env, envHeap, envList, envPort, envSeconds, envString } from './env';
import type { Instance } from './instance';
import { KAFKA_VERSION, kafkaInstance, type KafkaSpec } from './kafka';
import { cacheDir, instanceDir } from './paths';
import { type Probe, probeCassandra, probeKafka, probeRedis } from './readiness';
import { redisInstance, type RedisSpec } from './redis';
import { consulInstance } from './consul';
import { consulExternalTarget, consulSpecFromEnv } from './consul-component';
import { kubernetesInstance } from './k8s';
import { k8sExternalTarget, k8sSpecFromEnv } from './k8s-component';

export type ComponentName = 'kafka' | 'cassandra' | 'redis' | 'consul' | 'k8s';

/** Start order: Kafka, then Cassandra (one JVM after the other), then Redis, then Consul, then Kubernetes. */
export const COMPONENTS: readonly ComponentName[] = ['kafka', 'cassandra', 'redis', 'consul', 'k8s'];

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

/** The default Redis (`redis`, no persistence), from the environment. */
export function redisSpecFromEnv(env: Env = process.env): RedisSpec {
  return {
    name: 'redis',
    host: '127.0.0.1',
    port: envPort(env, 'GANTRY_REDIS_PORT', 6379),
    readyTimeoutMs: envSeconds(env, 'GANTRY_REDIS_READY_TIMEOUT', 30),
    dir: instanceDir('redis', env),
    cacheDir: cacheDir(env),
  };
}

/** The instance we run for a component (whatever the GANTRY_KAFKA_BROKERS/..._URL overrides say). */
export function managedInstance(component: ComponentName, env: Env = process.env): Instance {
  switch (component) {
    case 'kafka':
      return kafkaInstance(kafkaSpecFromEnv(env));
    case 'cassandra':
      return cassandraInstance(cassandraSpecFromEnv(env));
    case 'redis':
      return redisInstance(redisSpecFromEnv(env));
    case 'consul':
      return consulInstance(consulSpecFromEnv(env));
    case 'k8s':
      return kubernetesInstance(k8sSpecFromEnv(env));
  }
}

/** GANTRY_REDIS_URL, checked: `redis://` or `rediss://`, with a host. */
export function redisUrlFromEnv(env: Env = process.env): string | undefined {
  const value = env.GANTRY_REDIS_URL?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GANTRY_REDIS_URL must be a URL such as redis://127.0.0.1:6379, got "${value}"`);
  }
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    throw new Error(`GANTRY_REDIS_URL must be a redis:// or rediss:// URL with a host, got "${value}"`);
  }
  return value;
}

/** The URL with its password masked, for messages. */
export function displayUrl(value: string): string {
  const url = new URL(value);
  if (url.password) url.password = '***';
  return url.toString().replace(/\/$/, '');
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

/** What `up` works on: GANTRY_KAFKA_BROKERS / GANTRY_CASSANDRA_CONTACT_POINTS / GANTRY_REDIS_URL win. */
export function target(component: ComponentName, env: Env = process.env): Target {
  if (component === 'consul') {
    const external = consulExternalTarget(env);
    if (external) return { kind: 'external', ...external };
  } else if (component === 'k8s') {
    const external = k8sExternalTarget(env);
    if (external) return { kind: 'external', ...external };
  } else if (component === 'redis') {
    const url = redisUrlFromEnv(env);
    if (url) {
      return {
        kind: 'external',
        component,
        variable: 'GANTRY_REDIS_URL',
        addresses: [displayUrl(url)],
        readyTimeoutMs: envSeconds(env, 'GANTRY_REDIS_READY_TIMEOUT', 30),
        probe: (timeoutMs) => probeRedis(url, timeoutMs),
      };
    }
  } else if (component === 'kafka') {
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
