import type { TimerHandle } from './clock';
import { HealthCounters } from './health/health-counters';
import type { PickResult, Peer } from './types';

/** Gantry's circuit for passive ejections; `closed` whenever the address was not ejected by passive checks. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'trial';

/**
 * One resolved address of a target with everything the algorithms and health checks keep about it. The same
 * object is the {@link Peer} handed to the proxy, so a pick allocates nothing.
 */
export class Address implements Peer {
  readonly key: string;
  readonly health = new HealthCounters();
  /** Ready-made result of a pick of this address without a new cookie. */
  readonly picked: PickResult;
  weight: number;
  /** Counts towards the available weight and may be picked (healthy, or health checks off). */
  available = true;
  /** May be picked: available, or half-open and waiting for its trial request. */
  selectable = true;
  circuit: CircuitState = 'closed';
  circuitTimer: TimerHandle | undefined;
  /** Removed from its balancer; late reports about it are ignored. */
  detached = false;
  /** Requests in flight (least-connections, latency). */
  inFlight = 0;
  /** Smooth weighted round-robin's running weight. */
  current = 0;
  /** Peak EWMA of the response time in ms, and when it was last updated (-1: never). */
  ewma = 0;
  ewmaAt = -1;

  constructor(
    readonly targetId: string,
    readonly target: string,
    readonly host: string,
    readonly address: string,
    readonly port: number,
    weight: number,
  ) {
    this.key = `${targetId}|${address.includes(':') ? `[${address}]` : address}:${port}`;
    this.weight = weight;
    this.picked = Object.freeze({ ok: true, peer: this, setCookie: null });
  }
}
