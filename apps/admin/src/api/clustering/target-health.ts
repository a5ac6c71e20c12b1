import type { DataPlaneReport, ReportedUpstreamHealth, TargetHealth } from '@gantry/store';

/** One replica's view of one upstream. */
export interface ReplicaView {
  readonly replicaId: string;
  readonly upstream: ReportedUpstreamHealth;
}

/** The replicas that reported on `upstreamId`, in replica id order. */
export function viewsOf(reports: readonly DataPlaneReport[], upstreamId: string): ReplicaView[] {
  const views: ReplicaView[] = [];
  for (const report of reports) {
    const upstream = report.upstream_health[upstreamId];
    if (upstream !== undefined) views.push({ replicaId: report.id, upstream });
  }
  return views;
}

/**
 * The cluster's verdict from the replicas' verdicts. Kong calls a target "in use" when it is HEALTHY or its
 * checks are off; the cluster says:
 * - HEALTHCHECKS_OFF when every replica does;
 * - HEALTHY when a strict majority has it in use (a replica still on a config without checks counts as in use);
 * - otherwise UNHEALTHY, or DNS_ERROR when more replicas failed to resolve it than found it unhealthy.
 * A tie is not a majority: a target that half the fleet cannot reach is reported, not hidden.
 */
export function voteHealth(votes: readonly string[]): TargetHealth {
  let off = 0;
  let healthy = 0;
  let unhealthy = 0;
  let dns = 0;
  for (const vote of votes) {
    if (vote === 'HEALTHCHECKS_OFF') off++;
    else if (vote === 'HEALTHY') healthy++;
    else if (vote === 'DNS_ERROR') dns++;
    else unhealthy++;
  }
  if (votes.length > 0 && off === votes.length) return 'HEALTHCHECKS_OFF';
  if ((healthy + off) * 2 > votes.length) return 'HEALTHY';
  return dns > unhealthy ? 'DNS_ERROR' : 'UNHEALTHY';
}

/** True for the two verdicts under which a balancer sends traffic to an address. */
export function inUse(health: string): boolean {
  return health === 'HEALTHY' || health === 'HEALTHCHECKS_OFF';
}

/** An address of a target, as the cluster sees it. */
export interface AggregatedAddress {
  readonly ip: string;
  readonly port: number;
  readonly health: TargetHealth;
  readonly weight: number;
}

/** A target, as the cluster sees it, with each reporting replica's own verdict. */
export interface AggregatedTarget {
  readonly health: TargetHealth;
  readonly addresses: AggregatedAddress[];
  /** Replica id → that replica's verdict. */
  readonly nodes: Record<string, TargetHealth>;
}

/**
 * Combines what the replicas say about one target; undefined when none of them reports it. An address is
 * judged by {@link voteHealth} among the replicas that resolved it (DNS answers can differ between hosts).
 * Addresses weigh what the target weighs, as Kong gives A records the target's weight.
 */
export function aggregateTarget(
  views: readonly ReplicaView[],
  targetId: string,
  weight: number,
): AggregatedTarget | undefined {
  const nodes: Record<string, TargetHealth> = {};
  const addresses = new Map<string, { ip: string; port: number; votes: string[] }>();
  let reported = false;
  for (const view of views) {
    const target = view.upstream.targets[targetId];
    if (target === undefined) continue;
    reported = true;
    nodes[view.replicaId] = target.health;
    for (const address of target.addresses) {
      const key = `${address.ip}|${address.port}`;
      let entry = addresses.get(key);
      if (entry === undefined) {
        entry = { ip: address.ip, port: address.port, votes: [] };
        addresses.set(key, entry);
      }
      entry.votes.push(address.health);
    }
  }
  if (!reported) return undefined;
  return {
    health: voteHealth(Object.values(nodes)),
    addresses: [...addresses.values()]
      .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port))
      .map(({ ip, port, votes }) => ({ ip, port, health: voteHealth(votes), weight })),
    nodes,
  };
}
