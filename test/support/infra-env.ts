/**
 * What integration tests use to reach Kafka, Cassandra and Redis. The Jest global setup sets these variables;
 * a test that needs one that is unset FAILS with a clear message instead of skipping.
 */
import { randomBytes } from 'node:crypto';

function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new Error(
      `${name} is not set. Integration tests get it from Jest's global setup (test/setup/global-setup.ts), ` +
        `which starts Kafka, Cassandra and Redis: run them with \`npx jest --selectProjects integration\` ` +
        `(and check GANTRY_TEST_INFRA), or set ${name} to a running cluster.`,
    );
  }
  return value;
}

function list(name: string): string[] {
  const items = required(name)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) throw new Error(`${name} holds no address`);
  return items;
}

/** Kafka bootstrap brokers, e.g. ['127.0.0.1:9092']. */
export function kafkaBrokers(): string[] {
  return list('GANTRY_KAFKA_BROKERS');
}

/** Cassandra contact points, e.g. ['127.0.0.1:9042']. */
export function cassandraContactPoints(): string[] {
  return list('GANTRY_CASSANDRA_CONTACT_POINTS');
}

/** The driver's local data centre, e.g. 'dc1'. */
export function cassandraLocalDc(): string {
  return required('GANTRY_CASSANDRA_LOCAL_DC');
}

/** The Redis to use, e.g. 'redis://127.0.0.1:6379' (credentials and database included when given). */
export function redisUrl(): string {
  return required('GANTRY_REDIS_URL');
}

/** The Consul agent's HTTP API, e.g. 'http://127.0.0.1:8500' (CONSUL_HTTP_ADDR; `http://` added to a bare host:port). */
export function consulAddress(): string {
  const value = required('CONSUL_HTTP_ADDR');
  return (/^https?:\/\//.test(value) ? value : `http://${value}`).replace(/\/+$/, '');
}

/** CONSUL_HTTP_TOKEN, for an agent with ACLs (the global setup's dev agent needs none). */
export function consulToken(): string | undefined {
  return process.env.CONSUL_HTTP_TOKEN?.trim() || undefined;
}

/**
 * The kubeconfig of the Kubernetes API server to use (KUBECONFIG): ours (server, CA file, an admin token in
 * system:masters) or an existing cluster's. Read it with `loadKubeconfig` from `@gantry/infra`.
 */
export function kubeconfigPath(): string {
  return required('KUBECONFIG');
}

const MAX_NAME = 48; // Cassandra's limit for keyspace and table names
let counter = 0;

/**
 * A fresh name that is valid as a Kafka topic, a consumer group and a Cassandra keyspace or table:
 * a lowercase letter first, then lowercase letters, digits and underscores, at most 48 characters.
 */
export function uniqueName(prefix: string): string {
  const suffix = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(3).toString('hex')}`;
  let clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '');
  clean = clean.slice(0, MAX_NAME - suffix.length - 1).replace(/_+$/, '');
  return `${clean || 't'}_${suffix}`;
}
