/**
 * A Gantry cluster as production runs it: one admin and N proxy replicas, each its own OS process, on one Kafka
 * topic and one Cassandra keyspace of their own.
 */
import { CassandraConnection } from '@gantry/cassandra';
import { AdminClient } from '../conformance/admin/client';
import { freePort, freePorts, spawnApp, waitForHttp, type AppProcess } from './app-process';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from './infra-env';

export interface RunningProxy {
  readonly id: string;
  readonly process: AppProcess;
  readonly url: string;
  readonly tlsPort: number;
  readonly statusUrl: string;
}

interface ReplicaOrWorkers {
  readonly config_version: number;
  readonly workers?: readonly { readonly config_version: number }[];
}

export interface ClusterOptions {
  /** Env for every process (e.g. a private Kafka's brokers). */
  readonly env?: Record<string, string>;
}

export class GantryCluster {
  readonly topic = uniqueName('proxy_e2e');
  readonly keyspace = uniqueName('proxy_e2e');
  admin!: AdminClient;
  adminProcess!: AppProcess;
  readonly proxies: RunningProxy[] = [];
  readonly processes: AppProcess[] = [];

  constructor(private readonly options: ClusterOptions = {}) {}

  private baseEnv(): Record<string, string> {
    return {
      GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
      GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
      GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
      GANTRY_KAFKA_TOPIC: this.topic,
      GANTRY_CASSANDRA_KEYSPACE: this.keyspace,
      ...this.options.env,
    };
  }

  async startAdmin(): Promise<AdminClient> {
    const port = await freePort();
    this.adminProcess = spawnApp('admin', {
      ...this.baseEnv(),
      GANTRY_ADMIN_LISTEN: `127.0.0.1:${port}`,
      GANTRY_NODE_ID: uniqueName('admin'),
    });
    this.processes.push(this.adminProcess);
    await waitForHttp(this.adminProcess, `http://127.0.0.1:${port}/health`, 60_000);
    this.admin = new AdminClient(`http://127.0.0.1:${port}`);
    return this.admin;
  }

  /** Starts a replica and waits until `/status/ready` says it has caught up. `id` keeps its node id on restart. */
  async startProxy(id = uniqueName('proxy'), env: Record<string, string> = {}): Promise<RunningProxy> {
    const [port, tlsPort, statusPort] = await freePorts(3);
    const process = spawnApp('proxy', {
      ...this.baseEnv(),
      GANTRY_PROXY_LISTEN: `127.0.0.1:${port}`,
      GANTRY_PROXY_TLS_LISTEN: `127.0.0.1:${tlsPort}`,
      GANTRY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
      GANTRY_DATA_DIR: `/tmp/${id}`,
      GANTRY_NODE_ID: id,
      GANTRY_PROXY_REPORT_INTERVAL_MS: '500',
      ...env,
    });
    this.processes.push(process);
    const proxy = {
      id,
      process,
      url: `http://127.0.0.1:${port}`,
      tlsPort,
      statusUrl: `http://127.0.0.1:${statusPort}`,
    };
    await waitForHttp(process, `${proxy.statusUrl}/status/ready`, 90_000);
    this.proxies.push(proxy);
    return proxy;
  }

  /** Starts a discovery process (its status port serves `/health`, `/discovery/status` and `/metrics`). */
  async startDiscovery(
    env: Record<string, string>,
    id = uniqueName('discovery'),
  ): Promise<{ statusUrl: string; process: AppProcess }> {
    const statusPort = await freePort();
    const process = spawnApp('discovery', {
      ...this.baseEnv(),
      GANTRY_DISCOVERY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
      GANTRY_NODE_ID: id,
      ...env,
    });
    this.processes.push(process);
    const statusUrl = `http://127.0.0.1:${statusPort}`;
    await waitForHttp(process, `${statusUrl}/discovery/status`, 60_000);
    return { statusUrl, process };
  }

  /** Resolves once every running replica has applied `version` (from `/status`). */
  async waitForVersion(version: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const proxy of this.proxies) {
      if (proxy.process.child.exitCode !== null || proxy.process.child.signalCode !== null) continue;
      for (;;) {
        const status = (await (await fetch(`${proxy.statusUrl}/status`)).json()) as ReplicaOrWorkers;
        // A multi-worker proxy answers with each worker's status: the slowest one counts.
        const applied = status.workers
          ? Math.min(...status.workers.map((worker) => worker.config_version))
          : status.config_version;
        if (applied >= version) break;
        if (Date.now() > deadline) {
          throw new Error(`${proxy.id} is at ${applied}, not ${version}:\n${proxy.process.output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Waits until every replica applied everything the admin has written so far. */
  async converge(timeoutMs = 20_000): Promise<number> {
    const info = await this.admin.request<{ gantry: { config_version: number } }>('GET', '/status');
    const version = info.body.gantry.config_version;
    await this.waitForVersion(version, timeoutMs);
    return version;
  }

  /**
   * SIGTERM, then SIGKILL for a process that has not exited within 15 s (e.g. stuck on a broker that is gone); then
   * drops the cluster's keyspace, so a long-lived development Cassandra does not fill up with test keyspaces.
   */
  async stop(): Promise<void> {
    await Promise.allSettled(
      this.processes.map(async (p) => {
        const timer = setTimeout(() => void p.kill(), 15_000);
        await p.stop();
        clearTimeout(timer);
      }),
    );
    await this.dropKeyspace();
  }

  private async dropKeyspace(): Promise<void> {
    const points = this.options.env?.GANTRY_CASSANDRA_CONTACT_POINTS?.split(',') ?? cassandraContactPoints();
    const connection = new CassandraConnection({ contactPoints: points, localDataCenter: cassandraLocalDc() });
    try {
      await connection.connect();
      await connection.dropKeyspace(this.keyspace);
    } catch {
      // Best effort: the test setup's sweep drops what is left behind (test/setup/sweep-test-keyspaces.ts).
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}
