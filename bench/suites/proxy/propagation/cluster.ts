import type { InfraEndpoints } from '@gantry/infra';
import { freePort, freePorts } from '../../../../test/support/app-process';
import { spawnChild, type Child } from '../child';
import { gantryCommand } from '../gantry-build';
import { GANTRY_BENCH_ENV } from '../gantry-standalone';
import { postJson, waitForHttp } from '../http';

export const REPLICAS = 3;

export interface Replica {
  readonly name: string;
  /** The gateway's base URL, no trailing slash. */
  readonly url: string;
}

export interface PropagationCluster {
  readonly adminUrl: string;
  readonly serviceName: string;
  readonly replicas: readonly Replica[];
  stop(): Promise<void>;
}

let clusters = 0;

/** A fresh topic and keyspace for this run: the cluster starts from an empty config. */
function uniqueName(): string {
  return `gantry_bench_propagation_${Date.now().toString(36)}_${process.pid}_${clusters++}`;
}

/**
 * One admin and three proxy replicas as separate processes (the built apps), on real Kafka and Cassandra, with
 * one service pointing at the upstream. Resolves once every process is healthy and the service exists.
 */
export async function startPropagationCluster(options: {
  readonly endpoints: InfraEndpoints;
  readonly upstreamUrl: string;
  readonly log: (msg: string) => void;
  /** Replicas to start (default {@link REPLICAS}). */
  readonly replicas?: number;
}): Promise<PropagationCluster> {
  const adminCommand = await gantryCommand('admin', options.log);
  const proxyCommand = await gantryCommand('proxy', options.log);
  const name = uniqueName();
  const clusterEnv = {
    ...GANTRY_BENCH_ENV,
    GANTRY_KAFKA_BROKERS: options.endpoints.kafkaBrokers.join(','),
    GANTRY_CASSANDRA_CONTACT_POINTS: options.endpoints.cassandraContactPoints.join(','),
    GANTRY_CASSANDRA_LOCAL_DC: options.endpoints.cassandraLocalDc,
    GANTRY_KAFKA_TOPIC: name,
    GANTRY_CASSANDRA_KEYSPACE: name,
  };
  const children: Child[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(children.splice(0).map((child) => child.stop()));
  };
  try {
    const adminPort = await freePort();
    const admin = spawnChild({
      name: 'admin',
      command: process.execPath,
      args: adminCommand.args,
      env: {
        ...adminCommand.env,
        ...clusterEnv,
        GANTRY_NODE_ID: `${name}-admin`,
        GANTRY_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
        GANTRY_STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
      },
    });
    children.push(admin);
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    await waitForHttp(`${adminUrl}/health`, { child: admin, timeoutMs: 120_000, accept: (a) => a.status === 200 });

    const replicas: Replica[] = [];
    for (let i = 1; i <= (options.replicas ?? REPLICAS); i++) {
      const [proxyPort, statusPort] = await freePorts(2);
      const replica = spawnChild({
        name: `proxy-${i}`,
        command: process.execPath,
        args: proxyCommand.args,
        env: {
          ...proxyCommand.env,
          ...clusterEnv,
          GANTRY_NODE_ID: `${name}-proxy-${i}`,
          GANTRY_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
          GANTRY_PROXY_TLS_LISTEN: 'off',
          GANTRY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
        },
      });
      children.push(replica);
      await waitForHttp(`http://127.0.0.1:${statusPort}/health`, {
        child: replica,
        timeoutMs: 120_000,
        accept: (a) => a.status === 200,
      });
      replicas.push({ name: replica.name, url: `http://127.0.0.1:${proxyPort}` });
    }
    const serviceName = 'propagation-upstream';
    await postJson(`${adminUrl}/services`, { name: serviceName, url: options.upstreamUrl });
    options.log(`propagation cluster up: admin ${adminUrl}, replicas ${replicas.map((r) => r.url).join(', ')}`);
    return { adminUrl, serviceName, replicas, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
