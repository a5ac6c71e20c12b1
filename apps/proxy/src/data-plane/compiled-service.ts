import type { Entity } from '@gantry/config';
import { UpstreamBalancer, type BalancerDeps } from '@gantry/balancer';
import type { ServiceForwarder } from '../forwarding';

/** A service ready for the request path: its forwarder (agent pools, timeouts, TLS) and where its peers come from. */
export class CompiledService {
  readonly id: string;
  /** The service name, or its id when unnamed (metrics label). */
  readonly label: string;
  /** `service.path`, joined with the request path by `upstreamPath`. */
  readonly path: string | null;
  /** `service.host`: an upstream's name when one has it (looked up per request, as Kong does), else a host. */
  readonly host: string;
  private ownHost: UpstreamBalancer | undefined;

  constructor(
    readonly entity: Entity,
    readonly forwarder: ServiceForwarder,
    private readonly balancerDeps: BalancerDeps,
  ) {
    this.id = entity.id;
    this.label = typeof entity.name === 'string' ? entity.name : entity.id;
    this.path = typeof entity.path === 'string' ? entity.path : null;
    this.host = entity.host as string;
  }

  /**
   * `host:port` as a one-target balancer (DNS, retries across its addresses), for when no upstream is named
   * `host`. Made on first use, so a service that names an upstream never sends that name to DNS.
   */
  direct(): UpstreamBalancer {
    if (this.ownHost === undefined) {
      const host = this.host.includes(':') && !this.host.startsWith('[') ? `[${this.host}]` : this.host;
      this.ownHost = new UpstreamBalancer({ id: this.id, name: this.host, slots: 10_000 }, this.balancerDeps);
      this.ownHost.upsertTarget({
        id: this.id,
        target: `${host}:${Number(this.entity.port)}`,
        weight: 100,
        upstream: { id: this.id },
      });
    }
    return this.ownHost;
  }

  /** Requests in flight finish on the old forwarder's sockets, which then close. */
  retire(): void {
    this.ownHost?.close();
    this.forwarder.close();
  }

  destroy(): void {
    this.ownHost?.close();
    this.forwarder.destroy();
  }
}
