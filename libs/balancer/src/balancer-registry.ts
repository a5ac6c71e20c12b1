import { isJsonObject, type AppliedChange, type Entity } from '@gantry/config';
import { BalancerError } from './errors';
import type { BalancerDeps, HealthChangeListener, UpstreamHealth } from './types';
import { checkDeps, UpstreamBalancer } from './upstream-balancer';

function upstreamIdOf(target: Entity): string | undefined {
  const ref = target.upstream;
  return isJsonObject(ref) && typeof ref.id === 'string' ? ref.id : undefined;
}

/**
 * Every upstream balancer of one proxy process, kept in step with config changes. A change touches only the
 * balancer of its upstream; targets that arrive before their upstream wait for it. Invalid entities are logged
 * and skipped, so one bad entity can not stop the rest of a changeset from applying.
 */
export class BalancerRegistry {
  private readonly byIdMap = new Map<string, UpstreamBalancer>();
  private readonly byNameMap = new Map<string, UpstreamBalancer>();
  /** Every target by upstream id, so an upstream that arrives late (or becomes valid later) gets its targets. */
  private readonly targets = new Map<string, Map<string, Entity>>();
  private readonly listeners = new Set<HealthChangeListener>();

  constructor(private readonly deps: BalancerDeps) {
    checkDeps(deps);
  }

  /** Replaces everything with these upstreams and targets (boot, or a full reload). */
  load(upstreams: Iterable<Entity>, targets: Iterable<Entity>): void {
    this.close();
    for (const target of targets) this.addTarget(target);
    for (const upstream of upstreams) this.putUpstream(upstream);
  }

  /** Applies folded changes of kinds `upstreams` and `targets`; other kinds are ignored. */
  apply(changes: readonly AppliedChange[]): void {
    for (const change of changes) {
      if (change.kind === 'upstreams') {
        if (change.after === null) this.deleteUpstream(change.key);
        else this.putUpstream(change.after);
      } else if (change.kind === 'targets') {
        const moved =
          change.before !== null && upstreamIdOf(change.before) !== upstreamIdOf(change.after ?? change.before);
        if (change.before !== null && (change.after === null || moved)) this.deleteTarget(change.before);
        if (change.after !== null) this.addTarget(change.after);
      }
    }
  }

  byName(name: string): UpstreamBalancer | undefined {
    return this.byNameMap.get(name);
  }

  byId(id: string): UpstreamBalancer | undefined {
    return this.byIdMap.get(id);
  }

  /** Health of every upstream, by upstream id. */
  health(): ReadonlyMap<string, UpstreamHealth> {
    const out = new Map<string, UpstreamHealth>();
    for (const [id, balancer] of this.byIdMap) out.set(id, balancer.health());
    return out;
  }

  /** Subscribes to health changes of every upstream, present and future. */
  onHealthChange(listener: HealthChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes every balancer and forgets all upstreams and targets. */
  close(): void {
    for (const balancer of this.byIdMap.values()) balancer.close();
    this.byIdMap.clear();
    this.byNameMap.clear();
    this.targets.clear();
  }

  private putUpstream(upstream: Entity): void {
    const existing = this.byIdMap.get(upstream.id);
    try {
      if (existing === undefined) {
        this.create(upstream);
      } else {
        const oldName = existing.name;
        existing.update(upstream);
        if (oldName !== existing.name) {
          if (this.byNameMap.get(oldName) === existing) this.byNameMap.delete(oldName);
          this.byNameMap.set(existing.name, existing);
        }
      }
    } catch (error) {
      this.skip(error, 'upstream', upstream.id);
    }
  }

  private create(upstream: Entity): void {
    const balancer = new UpstreamBalancer(upstream, this.deps);
    this.byIdMap.set(balancer.id, balancer);
    this.byNameMap.set(balancer.name, balancer);
    balancer.onHealthChange((event) => {
      for (const listener of [...this.listeners]) listener(event);
    });
    for (const target of this.targets.get(balancer.id)?.values() ?? []) this.feed(balancer, target);
  }

  private deleteUpstream(id: string): void {
    const balancer = this.byIdMap.get(id);
    this.targets.delete(id);
    if (balancer === undefined) return;
    balancer.close();
    this.byIdMap.delete(id);
    if (this.byNameMap.get(balancer.name) === balancer) this.byNameMap.delete(balancer.name);
  }

  private addTarget(target: Entity): void {
    const upstreamId = upstreamIdOf(target);
    if (upstreamId === undefined) {
      this.skip(new BalancerError('GANTRY_BALANCER_INVALID_TARGET', 'target has no upstream'), 'target', target.id);
      return;
    }
    let targets = this.targets.get(upstreamId);
    if (targets === undefined) this.targets.set(upstreamId, (targets = new Map<string, Entity>()));
    targets.set(target.id, target);
    const balancer = this.byIdMap.get(upstreamId);
    if (balancer !== undefined) this.feed(balancer, target);
  }

  private deleteTarget(target: Entity): void {
    const upstreamId = upstreamIdOf(target);
    if (upstreamId === undefined) return;
    this.targets.get(upstreamId)?.delete(target.id);
    this.byIdMap.get(upstreamId)?.removeTarget(target.id);
  }

  private feed(balancer: UpstreamBalancer, target: Entity): void {
    try {
      balancer.upsertTarget(target);
    } catch (error) {
      this.skip(error, 'target', target.id);
    }
  }

  private skip(error: unknown, kind: string, id: string): void {
    if (!(error instanceof BalancerError)) throw error;
    this.deps.logger?.warn({ kind, id, code: error.code, error: error.message }, `skipped an invalid ${kind}`);
  }
}
