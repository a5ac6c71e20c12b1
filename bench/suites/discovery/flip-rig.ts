import { networkInterfaces } from 'node:os';
import type { SuiteContext } from '../../harness/types';
import { spawnNodeScript, type Child } from '../proxy/child';
import { adminCall, upstreamTargets } from './admin-api';
import { discoveryStatus, GantryProcesses } from './cluster';
import { ConsulApi } from './consul-api';
import type { Flip, FlipRun } from './flips';
import { KubeClient } from './kube-client';

/** Flap damping of the bench's discovery process (the default is 1 s); flips are spaced well beyond it. */
export const MIN_CHANGE_INTERVAL_MS = 50;
/** Quiet time after each change was seen through the proxy, before the next change. */
export const SETTLE_MS = 150;

const CONSUL_TAG_PREFIX = 'gantry-bench.upstream';
const K8S_SERVICE = 'flip';

/** One side of a case: where to poll, and how to flip the victim. */
export interface FlipTarget {
  readonly run: Pick<FlipRun, 'proxyUrl' | 'path' | 'victim' | 'others' | 'diagnose'>;
  readonly flip: Flip;
}

export interface Scenario {
  /** The instance taken out through the registry, discovery writing the change. */
  readonly discovered: FlipTarget;
  /** The same two instances as hand-made targets of another upstream, flipped through the Admin API. */
  readonly reference: FlipTarget;
}

interface Base {
  readonly adminUrl: string;
  readonly proxyUrl: string;
  readonly ports: Readonly<Record<string, number>>;
  readonly hostIp: string;
  readonly statusUrl: string;
}

/** An IPv4 address of this machine other than loopback: the kube-apiserver refuses loopback endpoint addresses. */
function machineAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  throw new Error('this machine has no IPv4 address other than loopback, which an EndpointSlice could name');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * What the flip cases share: the instance servers, and one Gantry cluster (admin, one proxy replica, one discovery
 * process watching both the Consul agent and the kube-apiserver) on Kafka and Cassandra. Each registry's scenario
 * is set up on first use and removed by its `release` (Consul instances deregistered, the namespace deleted).
 */
export class FlipRig {
  private readonly run = Date.now().toString(36);
  private readonly consul: ConsulApi;
  private readonly kube: KubeClient;
  private readonly consulService = `gantry-bench-flip-${this.run}`;
  private readonly processes: GantryProcesses;
  private readonly servers: Child[] = [];
  private namespaceCreated = false;
  private base: Promise<Base> | undefined;
  private consulScenario: Promise<Scenario> | undefined;
  private kubernetesScenario: Promise<Scenario> | undefined;

  constructor(private readonly ctx: SuiteContext) {
    this.consul = new ConsulApi(ctx.endpoints.consulAddress);
    this.kube = new KubeClient(ctx.endpoints.kubeconfig, `gantry-bench-${this.run}`);
    this.processes = new GantryProcesses(ctx.endpoints, ctx.log);
  }

  consulFlips(): Promise<Scenario> {
    return (this.consulScenario ??= this.setUpConsul());
  }

  kubernetesFlips(): Promise<Scenario> {
    return (this.kubernetesScenario ??= this.setUpKubernetes());
  }

  /** Deregisters the Consul instances (the case is over). */
  async releaseConsul(): Promise<void> {
    if (this.consulScenario === undefined) return;
    this.consulScenario = undefined;
    for (const id of ['a', 'b']) {
      await this.consul.deregisterService(`${this.consulService}-${id}`).catch(() => undefined);
    }
  }

  /** Deletes the namespace with its Service and slices. */
  async releaseKubernetes(): Promise<void> {
    this.kubernetesScenario = undefined;
    if (!this.namespaceCreated) return;
    this.namespaceCreated = false;
    await this.kube.removeNamespace();
  }

  async close(): Promise<void> {
    await this.releaseConsul().catch(() => undefined);
    await this.releaseKubernetes().catch(() => undefined);
    this.kube.close();
    await this.processes.stop();
    await Promise.allSettled(this.servers.map((child) => child.stop()));
  }

  private start(): Promise<Base> {
    return (this.base ??= (async () => {
      const hostIp = machineAddress();
      // Consul's instances on loopback, the Kubernetes endpoints on this machine's address; processes of their
      // own, apart from the bench and from Gantry. Each reference flips the same two instances as its case.
      const ports = {
        ...(await this.startServers('127.0.0.1', ['consul-a', 'consul-b'])),
        ...(await this.startServers(hostIp, ['k8s-a', 'k8s-b'])),
      };

      await this.kube.createNamespace();
      this.namespaceCreated = true;
      const adminUrl = await this.processes.startAdmin();
      const proxyUrl = await this.processes.startProxy();
      const dir = await this.ctx.scratchDir('discovery-flips');
      const { child, statusUrl } = await this.processes.spawnDiscovery(dir, this.discoveryYaml());
      await waitFor('the discovery process leading', async () => {
        if (child.exitDescription()) throw new Error(`discovery ${child.exitDescription()}:\n${child.output()}`);
        return (await discoveryStatus(statusUrl))?.leader === true;
      });

      const route = async (name: string, host: string): Promise<void> => {
        await adminCall('POST', `${adminUrl}/services`, { name, host, port: 80 });
        await adminCall('POST', `${adminUrl}/services/${name}/routes`, { paths: [`/${name}`] });
      };
      await route('bench-consul', 'bench-consul');
      await route('bench-k8s', 'bench-k8s');
      await route('ref-consul', 'ref-consul');
      await route('ref-k8s', 'ref-k8s');
      this.ctx.log(`discovery flip cluster up: admin ${adminUrl}, proxy ${proxyUrl}, instances on ${hostIp}`);
      return { adminUrl, proxyUrl, ports, hostIp, statusUrl };
    })());
  }

  private async startServers(host: string, names: readonly string[]): Promise<Record<string, number>> {
    const child = spawnNodeScript('instances', 'bench/suites/discovery/instance-servers.ts', [host, ...names]);
    this.servers.push(child);
    const line = await child.waitForLine((l) => l.startsWith('{"ports":'), 30_000);
    return (JSON.parse(line) as { ports: Record<string, number> }).ports;
  }

  /** For a failed flip: the upstream's targets in the admin's fold, and what the discovery process says. */
  private diagnose(base: Base, upstream: string): () => Promise<string> {
    return async () => {
      const targets = await upstreamTargets(base.adminUrl, upstream);
      const status = await fetch(`${base.statusUrl}/discovery/status`).then((a) => a.text());
      return `targets of ${upstream}: ${JSON.stringify(targets)}\ndiscovery status: ${status.slice(0, 4000)}`;
    };
  }

  private discoveryYaml(): string {
    const { consulAddress, kubeconfig } = this.ctx.endpoints;
    return [
      'consul:',
      `  - address: ${consulAddress}`,
      '    datacenter: dc1',
      '    name: bench',
      // Only the bench's services: other users of the shared agent may register theirs with Gantry's tag.
      `    mapping: { tag_prefix: ${CONSUL_TAG_PREFIX}, meta_key: null }`,
      'kubernetes:',
      `  - kubeconfig: ${kubeconfig}`,
      '    cluster: bench',
      `    namespaces: [${this.kube.namespace}]`,
      'reconciler:',
      `  min_change_interval_ms: ${MIN_CHANGE_INTERVAL_MS}`,
      '',
    ].join('\n');
  }

  /** The reference side: an upstream with the same two instances as hand-made targets, weights set by PATCH. */
  private async reference(
    base: Base,
    upstream: string,
    victim: string,
    other: string,
    host: string,
  ): Promise<FlipTarget> {
    await adminCall('POST', `${base.adminUrl}/upstreams`, { name: upstream });
    const created = (await adminCall('POST', `${base.adminUrl}/upstreams/${upstream}/targets`, {
      target: `${host}:${base.ports[victim]}`,
      weight: 100,
    })) as { id: string };
    await adminCall('POST', `${base.adminUrl}/upstreams/${upstream}/targets`, {
      target: `${host}:${base.ports[other]}`,
      weight: 100,
    });
    const weight = (value: number) => async () => {
      await adminCall('PATCH', `${base.adminUrl}/upstreams/${upstream}/targets/${created.id}`, { weight: value });
    };
    return {
      run: {
        proxyUrl: base.proxyUrl,
        path: `/${upstream}`,
        victim,
        others: [other],
        diagnose: this.diagnose(base, upstream),
      },
      flip: { takeOut: weight(0), putBack: weight(100) },
    };
  }

  private async setUpConsul(): Promise<Scenario> {
    const base = await this.start();
    const checks: string[] = [];
    for (const id of ['a', 'b']) {
      checks.push(
        await this.consul.registerWithTtlCheck({
          id: `${this.consulService}-${id}`,
          service: this.consulService,
          address: '127.0.0.1',
          port: base.ports[`consul-${id}`],
          tags: [`${CONSUL_TAG_PREFIX}=bench-consul`],
        }),
      );
    }
    await waitFor(
      'two discovered Consul targets',
      async () => (await upstreamTargets(base.adminUrl, 'bench-consul')).length === 2,
    );
    const [victimCheck] = checks;
    return {
      discovered: {
        run: {
          proxyUrl: base.proxyUrl,
          path: '/bench-consul',
          victim: 'consul-a',
          others: ['consul-b'],
          diagnose: this.diagnose(base, 'bench-consul'),
        },
        flip: {
          takeOut: async () => void (await this.consul.failCheck(victimCheck)),
          putBack: async () => void (await this.consul.passCheck(victimCheck)),
        },
      },
      reference: await this.reference(base, 'ref-consul', 'consul-a', 'consul-b', '127.0.0.1'),
    };
  }

  private async setUpKubernetes(): Promise<Scenario> {
    const base = await this.start();
    await this.kube.createService(K8S_SERVICE, 'bench-k8s');
    const slice = (id: string, ready: boolean, create = false) =>
      this.kube.putSlice(
        `${K8S_SERVICE}-${id}`,
        K8S_SERVICE,
        { ip: base.hostIp, ready },
        base.ports[`k8s-${id}`],
        create,
      );
    await slice('a', true, true);
    await slice('b', true, true);
    await waitFor('two discovered Kubernetes targets', async () => {
      const targets = await upstreamTargets(base.adminUrl, 'bench-k8s');
      return targets.length === 2 && targets.every((t) => t.weight > 0);
    });
    return {
      discovered: {
        run: {
          proxyUrl: base.proxyUrl,
          path: '/bench-k8s',
          victim: 'k8s-a',
          others: ['k8s-b'],
          diagnose: this.diagnose(base, 'bench-k8s'),
        },
        // Not ready: discovery drains the endpoint (weight 0); ready again: weight 100.
        flip: { takeOut: () => slice('a', false), putBack: () => slice('a', true) },
      },
      reference: await this.reference(base, 'ref-k8s', 'k8s-a', 'k8s-b', base.hostIp),
    };
  }
}
