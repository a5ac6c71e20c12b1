import { consulInstance, down, up, type Instance } from '@gantry/infra';
import { freePorts } from '../../../test/support/app-process';
import { ConsulApi, forEachLimited } from './consul-api';

/** Instances per service: one on each of this many external nodes. */
export const INSTANCES = 10;
/** The tag prefix mapping every service (`<prefix>=sync-0042`), and the one mapping the warm-up's tenth. */
export const SYNC_TAG_PREFIX = 'gantry-bench-sync.upstream';
export const WARM_TAG_PREFIX = 'gantry-bench-warm.upstream';
/** Catalog writes in flight while registering. */
const REGISTER_CONCURRENCY = 32;

/** The catalog the initial-sync case reads, as discovery will map it: upstream → targets with their tags. */
export interface SyncCatalog {
  readonly address: string;
  readonly services: number;
  /** Upstreams (named like their service) and their targets, as discovery writes them. */
  upstreams(prefix: string): { name: string; targets: { target: string; weight: number; tags: string[] }[] }[];
}

const serviceName = (i: number): string => `sync-${String(i).padStart(4, '0')}`;
const nodeName = (n: number): string => `bench-node-${n}`;
const nodeAddress = (n: number): string => `10.77.0.${n + 1}`;

/** The warm-up maps a tenth of the services (its upstreams are named `warm-…`). */
export function warmServices(services: number): number {
  return Math.max(1, Math.floor(services / 10));
}

/**
 * A Consul dev agent of the case's own, started through `@gantry/infra` from the same cached binary and with the
 * same arguments as the infra's agent (so with `limits.http_max_conns_per_client` raised: discovery holds one
 * blocking query per service), on free ports, its data in a scratch directory. Its catalog is filled once with
 * `services` × {@link INSTANCES} instances on external nodes (no agent runs there, so anti-entropy leaves them),
 * and dies with it: the shared agent that tests use never sees the 10,000 registrations.
 */
export class SyncConsul {
  private instance: Instance | undefined;
  private ready: Promise<SyncCatalog> | undefined;

  constructor(
    private readonly services: number,
    private readonly dir: () => Promise<string>,
    private readonly log: (msg: string) => void,
  ) {}

  catalog(): Promise<SyncCatalog> {
    return (this.ready ??= this.start());
  }

  async close(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.ready = undefined;
    if (instance !== undefined) await down(instance, 15_000);
  }

  private async start(): Promise<SyncCatalog> {
    const [httpPort, serverPort, serfLanPort] = await freePorts(3);
    this.instance = consulInstance({
      name: 'consul-bench-sync',
      httpPort,
      serverPort,
      serfLanPort,
      nodeName: 'gantry-bench-sync',
      dir: await this.dir(),
    });
    const started = await up(this.instance, (msg) => this.log(`[consul-bench-sync] ${msg}`));
    const address = `http://${started.address}`;
    const api = new ConsulApi(address);
    const limit = await api.httpMaxConnsPerClient();
    if (limit !== 0 && limit < this.services + 64) {
      throw new Error(
        `the bench's Consul agent allows ${limit} connections per client, ${this.services} services need more`,
      );
    }
    const registeredAt = Date.now();
    const entries: { service: number; node: number }[] = [];
    for (let node = 0; node < INSTANCES; node++) {
      for (let service = 0; service < this.services; service++) entries.push({ service, node });
    }
    const warm = warmServices(this.services);
    await forEachLimited(entries, REGISTER_CONCURRENCY, ({ service, node }) =>
      api.registerInCatalog({
        node: nodeName(node),
        nodeAddress: nodeAddress(node),
        id: `${serviceName(service)}-${node}`,
        service: serviceName(service),
        port: 8080,
        tags: [
          `${SYNC_TAG_PREFIX}=${serviceName(service)}`,
          ...(service < warm ? [`${WARM_TAG_PREFIX}=${serviceName(service).replace('sync', 'warm')}`] : []),
        ],
      }),
    );
    this.log(
      `registered ${entries.length} instances of ${this.services} services in ${address} ` +
        `in ${((Date.now() - registeredAt) / 1000).toFixed(1)} s (limit ${limit} connections per client)`,
    );
    const services = this.services;
    return {
      address,
      services,
      upstreams: (prefix) => {
        const count = prefix === WARM_TAG_PREFIX ? warm : services;
        return Array.from({ length: count }, (_, i) => ({
          name: prefix === WARM_TAG_PREFIX ? serviceName(i).replace('sync', 'warm') : serviceName(i),
          targets: Array.from({ length: INSTANCES }, (_, node) => ({
            target: `${nodeAddress(node)}:8080`,
            // Consul's default Weights.Passing, which discovery copies.
            weight: 1,
            tags: [`consul-service:${serviceName(i)}`, `consul-node:${nodeName(node)}`],
          })),
        }));
      },
    };
  }
}
