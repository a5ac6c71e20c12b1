import {
  COMPONENTS,
  type ComponentName,
  cassandraSpecFromEnv,
  managedInstance,
  redisUrlFromEnv,
  target,
} from './components';
import { consulUrlFromEnv } from './consul-component';
import { kubeconfigEndpoint } from './k8s-component';
import { type Env, envList, envString } from './env';
import { down, up, type UpResult } from './lifecycle';
import { waitUntilReady } from './readiness';

export type { ComponentName } from './components';
export {
  COMPONENTS,
  isComponentName,
  managedInstance,
  target,
  kafkaSpecFromEnv,
  cassandraSpecFromEnv,
  redisSpecFromEnv,
} from './components';
export { kafkaInstance, type KafkaSpec } from './kafka';
export { cassandraInstance, type CassandraSpec } from './cassandra';
export { redisInstance, type RedisSpec } from './redis';
export { consulInstance, type ConsulSpec } from './consul';
export { consulSpecFromEnv } from './consul-component';
export { kubernetesInstance, type KubernetesSpec } from './k8s';
export { etcdInstance, type EtcdSpec } from './etcd';
export { k8sSpecFromEnv, kubeconfigEndpoint } from './k8s-component';
export { loadKubeconfig, type KubeAccess } from './kubeconfig';
export { kubeRequest, type KubeResponse } from './kube-http';
export type { Instance } from './instance';
export { up, down, status, logTails, type UpResult, type InstanceStatus } from './lifecycle';

export interface InfraEndpoints {
  kafkaBrokers: string[];
  cassandraContactPoints: string[];
  cassandraLocalDc: string;
  /** `redis://host:port` (GANTRY_REDIS_URL as given, credentials and database included). */
  redisUrl: string;
  /** `http://host:port` (CONSUL_HTTP_ADDR, with `http://` added when it names only host:port). */
  consulAddress: string;
  /** The kubeconfig file (KUBECONFIG, or the one `up` writes for our kube-apiserver: server, CA, admin token). */
  kubeconfig: string;
}

/** How one component came up: `external` when the environment named the cluster. */
export interface ComponentUp extends Omit<UpResult, 'state'> {
  readonly component: ComponentName;
  readonly state: UpResult['state'] | 'external';
}

/** Thrown by ensureUp; `started` lists what this call had started before it failed. */
export class InfraUpError extends Error {
  constructor(
    message: string,
    readonly started: ComponentName[],
  ) {
    super(message);
    this.name = 'InfraUpError';
  }
}

/** Where clients connect: the GANTRY_* overrides if set, else our local instances. */
export function endpoints(env: Env = process.env): InfraEndpoints {
  return {
    kafkaBrokers: envList(env, 'GANTRY_KAFKA_BROKERS') ?? [managedInstance('kafka', env).address],
    cassandraContactPoints: envList(env, 'GANTRY_CASSANDRA_CONTACT_POINTS') ?? [
      managedInstance('cassandra', env).address,
    ],
    cassandraLocalDc: envString(env, 'GANTRY_CASSANDRA_LOCAL_DC', cassandraSpecFromEnv(env).dc),
    redisUrl: redisUrlFromEnv(env) ?? `redis://${managedInstance('redis', env).address}`,
    consulAddress: consulUrlFromEnv(env) ?? `http://${managedInstance('consul', env).address}`,
    kubeconfig: kubeconfigEndpoint(env),
  };
}

/** Orders components as they start (Kafka, Cassandra, Redis) and drops duplicates. */
function ordered(components: readonly ComponentName[]): ComponentName[] {
  return COMPONENTS.filter((component) => components.includes(component));
}

/**
 * Makes each component ready, one after the other: an external one (GANTRY_KAFKA_BROKERS,
 * GANTRY_CASSANDRA_CONTACT_POINTS, GANTRY_REDIS_URL) is only checked; ours is reused if it answers,
 * started otherwise.
 * Throws an InfraUpError if a component does not become ready.
 */
export async function ensureUp(
  components: ComponentName[],
  log: (msg: string) => void = () => undefined,
): Promise<{ started: ComponentName[]; endpoints: InfraEndpoints; results: ComponentUp[] }> {
  const started: ComponentName[] = [];
  const results: ComponentUp[] = [];
  for (const component of ordered(components)) {
    const t = target(component);
    try {
      if (t.kind === 'external') {
        const begun = Date.now();
        const { detail, ms } = await waitUntilReady(t.probe, {
          timeoutMs: t.readyTimeoutMs,
          what: `${component} at ${t.addresses.join(',')} (${t.variable})`,
        });
        results.push({
          component,
          name: component,
          state: 'external',
          address: t.addresses.join(','),
          fetchMs: 0,
          readyMs: ms,
          totalMs: Date.now() - begun,
          detail,
        });
      } else {
        const result = await up(t.instance, log);
        if (result.state === 'started') started.push(component);
        results.push({ ...result, component });
      }
    } catch (error) {
      throw new InfraUpError(error instanceof Error ? error.message : String(error), started);
    }
  }
  return { started, endpoints: endpoints(), results };
}

/** Stops what has our pid file, in reverse start order; anything else (external, not ours) is left alone. */
export async function stop(components: ComponentName[]): Promise<void> {
  for (const component of ordered(components).reverse()) {
    await down(managedInstance(component));
  }
}
