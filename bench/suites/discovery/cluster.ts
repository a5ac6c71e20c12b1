import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InfraEndpoints } from '@gantry/infra';
import { freePort, freePorts } from '../../../test/support/app-process';
import { spawnChild, type Child } from '../proxy/child';
import { gantryCommand, type GantryApp } from '../proxy/gantry-build';
import { GANTRY_BENCH_ENV } from '../proxy/gantry-standalone';
import { waitForHttp } from '../proxy/http';

let clusters = 0;

/** A fresh topic and keyspace: every cluster starts from an empty config. */
function uniqueName(): string {
  return `gantry_bench_discovery_${Date.now().toString(36)}_${process.pid}_${clusters++}`;
}

export interface RunningDiscovery {
  readonly child: Child;
  /** The discovery status port: `/discovery/status`, `/metrics`. */
  readonly statusUrl: string;
}

/**
 * Gantry as a cluster runs it, each app its own process (the `nest build` output, like the proxy suite's
 * propagation cluster) on real Kafka and Cassandra, on a topic and keyspace of its own: an admin, proxy replicas
 * and discovery processes, started one by one as a case needs them.
 */
export class GantryProcesses {
  readonly name = uniqueName();
  private readonly children: Child[] = [];

  constructor(
    private readonly endpoints: InfraEndpoints,
    private readonly log: (msg: string) => void,
  ) {}

  private async spawn(app: GantryApp, env: Record<string, string>): Promise<Child> {
    const command = await gantryCommand(app, this.log);
    const child = spawnChild({
      name: app,
      command: process.execPath,
      args: command.args,
      env: {
        ...command.env,
        ...GANTRY_BENCH_ENV,
        GANTRY_KAFKA_BROKERS: this.endpoints.kafkaBrokers.join(','),
        GANTRY_CASSANDRA_CONTACT_POINTS: this.endpoints.cassandraContactPoints.join(','),
        GANTRY_CASSANDRA_LOCAL_DC: this.endpoints.cassandraLocalDc,
        GANTRY_KAFKA_TOPIC: this.name,
        GANTRY_CASSANDRA_KEYSPACE: this.name,
        GANTRY_NODE_ID: `${this.name}-${app}-${this.children.length}`,
        ...env,
      },
    });
    this.children.push(child);
    return child;
  }

  /** Resolves with the Admin API's URL once it is healthy (its replica caught up). */
  async startAdmin(): Promise<string> {
    const [port, statusPort] = await freePorts(2);
    const child = await this.spawn('admin', {
      GANTRY_ADMIN_LISTEN: `127.0.0.1:${port}`,
      GANTRY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health`, { child, timeoutMs: 120_000, accept: (a) => a.status === 200 });
    return url;
  }

  /** Resolves with the proxy's URL once the replica is healthy. */
  async startProxy(): Promise<string> {
    const [port, statusPort] = await freePorts(2);
    const child = await this.spawn('proxy', {
      GANTRY_PROXY_LISTEN: `127.0.0.1:${port}`,
      GANTRY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
    });
    await waitForHttp(`http://127.0.0.1:${statusPort}/health`, {
      child,
      timeoutMs: 120_000,
      accept: (a) => a.status === 200,
    });
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Spawns a discovery process running the sources of `yaml` (written to `dir`), and returns at once: callers
   * time its start themselves. Its status port answers shortly after.
   */
  async spawnDiscovery(dir: string, yaml: string): Promise<RunningDiscovery> {
    const file = join(dir, `${this.name}-discovery-${this.children.length}.yaml`);
    writeFileSync(file, yaml);
    const statusPort = await freePort();
    const child = await this.spawn('discovery', {
      GANTRY_DISCOVERY_CONFIG: file,
      GANTRY_DISCOVERY_STATUS_LISTEN: `127.0.0.1:${statusPort}`,
    });
    return { child, statusUrl: `http://127.0.0.1:${statusPort}` };
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.children.splice(0).map((child) => child.stop()));
  }
}

/** The discovery process's view of itself, as far as the cases read it. */
export interface DiscoveryStatus {
  readonly leader: boolean;
  readonly sources: readonly {
    readonly id: string;
    readonly running: boolean;
    readonly watcher: { readonly synced?: boolean; readonly lastError?: unknown } | null;
    readonly reconciler: {
      readonly phase: string;
      readonly eventsWritten: number;
      readonly lastVersion: number | null;
      readonly desiredTargets: number;
      readonly lastError: string | null;
      readonly deferred: number;
      readonly held: readonly unknown[];
    } | null;
  }[];
}

export async function discoveryStatus(statusUrl: string): Promise<DiscoveryStatus | undefined> {
  try {
    const answer = await fetch(`${statusUrl}/discovery/status`);
    return answer.status === 200 ? ((await answer.json()) as DiscoveryStatus) : undefined;
  } catch {
    return undefined;
  }
}
