import { healthchecksEnabled } from '@gantry/balancer';
import { isJsonObject, type Entity } from '@gantry/config';
import { aggregateTarget, inUse, type AggregatedAddress, type ReplicaView } from './target-health';

/** True when an upstream has neither active probes nor passive counters configured (Kong's defaults). */
export function checksOff(upstream: Entity): boolean {
  // The balancer's own rule, so the admin and the replicas agree on when health checks are on.
  return !healthchecksEnabled(upstream.healthchecks);
}

/** A target as `/upstreams/{u}/health` lists it: the entity, its `health` and Kong's `data`. */
export type TargetHealthRow = Readonly<Record<string, unknown>> & {
  readonly id: string;
  readonly health: string;
  readonly weight?: unknown;
};

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** `host:port` (or `[v6]:port`) split as Kong's balancer status shows it. */
function hostAndPort(target: unknown): { host?: string; port?: number } {
  if (typeof target !== 'string') return {};
  const colon = target.lastIndexOf(':');
  if (colon < 0) return { host: target };
  const host = target.slice(0, colon);
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: Number(target.slice(colon + 1)) };
}

function weightOf(addresses: readonly AggregatedAddress[]): { total: number; available: number; unavailable: number } {
  let total = 0;
  let available = 0;
  for (const address of addresses) {
    total += address.weight;
    if (inUse(address.health)) available += address.weight;
  }
  return { total, available, unavailable: total - available };
}

/**
 * Each target with its `health` and `data`, Kong's `/upstreams/{u}/health` rows. A target some fresh replica
 * reports gets the cluster's verdict (see `voteHealth`) and `data.nodes`, each replica's own verdict. A target
 * no replica reports (no proxy running, or one that has not applied it yet) gets what the admin can tell alone:
 * the health `provided` by a local proxy if any, else HEALTHCHECKS_OFF when the upstream has no checks or the
 * target weighs 0, HEALTHY otherwise.
 */
export function targetHealthRows(
  upstream: Entity,
  targets: readonly Entity[],
  views: readonly ReplicaView[],
  provided: Readonly<Record<string, string>> | undefined,
): TargetHealthRow[] {
  const off = checksOff(upstream);
  return targets.map((target) => {
    const weight = numberOr(target.weight, 100);
    const aggregated = aggregateTarget(views, target.id, weight);
    if (aggregated === undefined) {
      const health = provided?.[target.id] ?? (off || weight === 0 ? 'HEALTHCHECKS_OFF' : 'HEALTHY');
      return { ...target, health, data: { addresses: [], nodes: {} } };
    }
    return {
      ...target,
      health: aggregated.health,
      data: {
        ...hostAndPort(target.target),
        nodeWeight: weight,
        weight: weightOf(aggregated.addresses),
        addresses: aggregated.addresses,
        nodes: aggregated.nodes,
      },
    };
  });
}

/**
 * Kong's `?balancer_health=1` answer for the upstream. `balancer_health` is HEALTHY when a strict majority of the
 * fresh replicas reporting the upstream say their balancer can serve; with none reporting, when the targets in
 * use carry at least `healthchecks.threshold` percent of the weight (and some weight at all). `health` is
 * HEALTHCHECKS_OFF when the upstream has no checks, `balancer_health` otherwise.
 */
export function balancerHealth(
  upstream: Entity,
  rows: readonly TargetHealthRow[],
  views: readonly ReplicaView[],
): Record<string, unknown> {
  let total = 0;
  let available = 0;
  for (const row of rows) {
    const weight = numberOr(row.weight, 100);
    total += weight;
    if (inUse(row.health)) available += weight;
  }
  const nodes: Record<string, string> = {};
  let healthyViews = 0;
  for (const view of views) {
    nodes[view.replicaId] = view.upstream.healthy ? 'HEALTHY' : 'UNHEALTHY';
    if (view.upstream.healthy) healthyViews++;
  }
  const hc = isJsonObject(upstream.healthchecks) ? upstream.healthchecks : {};
  const threshold = numberOr(hc.threshold, 0);
  const healthy =
    views.length > 0 ? healthyViews * 2 > views.length : total > 0 && available * 100 >= threshold * total;
  const balancer = healthy ? 'HEALTHY' : 'UNHEALTHY';
  return {
    id: upstream.id,
    health: checksOff(upstream) ? 'HEALTHCHECKS_OFF' : balancer,
    balancer_health: balancer,
    details: { healthy, weight: { total, available, unavailable: total - available }, nodes },
  };
}
