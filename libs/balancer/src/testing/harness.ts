import type { JsonObject } from '@gantry/config';
import { DnsResolver } from '../dns/dns-resolver';
import { BalancerError } from '../errors';
import type { DnsRecord } from '../dns/system-resolve';
import type { BalancerContext, HealthChangeEvent, Peer, PickResult } from '../types';
import { UpstreamBalancer } from '../upstream-balancer';
import { targetEntity, upstreamEntity, uuid } from './entities';
import { ManualClock } from './manual-clock';

export const UPSTREAM_ID = uuid(1);

/** A request context with nothing to hash on. */
export function context(overrides: Partial<BalancerContext> = {}): BalancerContext {
  return { clientIp: '10.1.1.1', headers: {}, path: '/', query: '', consumerId: null, uriCaptures: null, ...overrides };
}

/** A resolver over a fixed table; a name missing from it fails like NXDOMAIN. */
export function tableResolver(clock: ManualClock, table: Record<string, readonly DnsRecord[]>): DnsResolver {
  return new DnsResolver({
    clock,
    resolve: (host) => {
      const records = table[host];
      return records === undefined ? Promise.reject(new Error(`ENOTFOUND ${host}`)) : Promise.resolve(records);
    },
  });
}

export interface Harness {
  readonly clock: ManualClock;
  readonly balancer: UpstreamBalancer;
  readonly events: HealthChangeEvent[];
  /** Adds targets `target -> weight` with ids uuid(100 + i). */
  targets(list: readonly (readonly [string, number])[]): string[];
  /** Picks `n` times, reporting each as a quick 200, and counts picks per target string. */
  distribution(n: number, ctx?: () => BalancerContext): Map<string, number>;
  pickPeer(ctx?: BalancerContext, tried?: ReadonlySet<string>): Peer;
}

/** An upstream balancer over IP targets (or `table` names) with a manual clock. */
export function harness(fields: JsonObject = {}, table: Record<string, readonly DnsRecord[]> = {}): Harness {
  const clock = new ManualClock();
  const balancer = new UpstreamBalancer(upstreamEntity(UPSTREAM_ID, 'backend', fields), {
    resolver: tableResolver(clock, table),
    clock,
  });
  const events: HealthChangeEvent[] = [];
  balancer.onHealthChange((e) => events.push(e));
  const expectPeer = (r: PickResult): Peer => {
    if (!r.ok) throw new Error(`pick failed: ${r.reason}`);
    return r.peer;
  };
  return {
    clock,
    balancer,
    events,
    targets(list) {
      return list.map(([target, weight], i) => {
        const id = uuid(100 + i);
        balancer.upsertTarget(targetEntity(id, UPSTREAM_ID, target, { weight }));
        return id;
      });
    },
    distribution(n, ctx = () => context()) {
      const counts = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const peer = expectPeer(balancer.pick(ctx()));
        balancer.started(peer);
        balancer.finished(peer, { kind: 'response', status: 200, latencyMs: 1 });
        counts.set(peer.target, (counts.get(peer.target) ?? 0) + 1);
      }
      return counts;
    },
    pickPeer(ctx = context(), tried) {
      return expectPeer(balancer.pick(ctx, tried));
    },
  };
}

/** Lets pending promise callbacks (DNS answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The code of the BalancerError `fn` throws, or undefined when it does not throw. */
export function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof BalancerError ? error.code : `not a BalancerError: ${String(error)}`;
  }
  return undefined;
}
