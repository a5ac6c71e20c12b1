import type { DesiredTarget, DesiredUpstream, UpstreamDefaults } from '../desired';
import type { MappedService, MappedTarget } from './mapping';

const NONE: MappedService = { targets: [], unroutable: 0 };

/**
 * The desired targets of one source, kept per Consul service (what a health watch answers) and read per
 * upstream (what the reconciler takes). Several services may feed one upstream, and one service several
 * upstreams, so a change of one service yields the complete lists of the upstreams it touched.
 */
export class ServiceTable {
  private readonly services = new Map<string, MappedService>();
  /** upstream → the services with targets on it. */
  private readonly feeders = new Map<string, Set<string>>();

  constructor(private readonly create: UpstreamDefaults | undefined) {}

  get serviceCount(): number {
    return this.services.size;
  }

  /** Targets over all upstreams. */
  get targetCount(): number {
    let n = 0;
    for (const mapped of this.services.values()) n += mapped.targets.length;
    return n;
  }

  get unroutableCount(): number {
    let n = 0;
    for (const mapped of this.services.values()) n += mapped.unroutable;
    return n;
  }

  get upstreamCount(): number {
    return this.feeders.size;
  }

  has(service: string): boolean {
    return this.services.has(service);
  }

  /** Sets a service's targets; returns the upstreams whose complete target list changed. */
  set(service: string, mapped: MappedService): string[] {
    const before = this.services.get(service) ?? NONE;
    const touched = new Set([...upstreamNames(before), ...upstreamNames(mapped)]);
    const old = new Map([...touched].map((u) => [u, this.key(u)]));
    this.unlink(service, before);
    this.services.set(service, mapped);
    for (const upstream of upstreamNames(mapped)) {
      let set = this.feeders.get(upstream);
      if (set === undefined) this.feeders.set(upstream, (set = new Set()));
      set.add(service);
    }
    return [...touched].filter((u) => this.key(u) !== old.get(u)).sort();
  }

  /** Forgets a service (it left the catalog); returns the upstreams whose list changed. */
  remove(service: string): string[] {
    const before = this.services.get(service);
    if (before === undefined) return [];
    const touched = upstreamNames(before);
    const old = new Map(touched.map((u) => [u, this.key(u)]));
    this.unlink(service, before);
    this.services.delete(service);
    return touched.filter((u) => this.key(u) !== old.get(u)).sort();
  }

  clear(): void {
    this.services.clear();
    this.feeders.clear();
  }

  /** The complete desired state of one upstream (empty when no service feeds it any more). */
  upstream(name: string): DesiredUpstream {
    const targets = this.targets(name);
    return this.create === undefined ? { name, targets } : { name, targets, create: this.create };
  }

  /** Every upstream with targets. */
  snapshot(): DesiredUpstream[] {
    return [...this.feeders.keys()].sort().map((name) => this.upstream(name));
  }

  private targets(upstream: string): DesiredTarget[] {
    const out: DesiredTarget[] = [];
    for (const service of [...(this.feeders.get(upstream) ?? [])].sort()) {
      for (const t of this.services.get(service)?.targets ?? []) {
        if (t.upstream === upstream) out.push({ target: t.target, weight: t.weight, tags: t.tags });
      }
    }
    return out;
  }

  /** A canonical form of an upstream's list, to tell a real change from an idempotent Consul write. */
  private key(upstream: string): string {
    return JSON.stringify(
      this.targets(upstream)
        .map((t) => `${t.target} ${t.weight} ${[...(t.tags ?? [])].sort().join(',')}`)
        .sort(),
    );
  }

  private unlink(service: string, mapped: MappedService): void {
    for (const upstream of upstreamNames(mapped)) {
      const set = this.feeders.get(upstream);
      set?.delete(service);
      if (set?.size === 0) this.feeders.delete(upstream);
    }
  }
}

function upstreamNames(mapped: MappedService): string[] {
  return [...new Set(mapped.targets.map((t: MappedTarget) => t.upstream))];
}
