import type { Address } from '../address';
import type { Outcome } from '../types';

/** A balancing algorithm over the addresses of one upstream. */
export interface BalancingAlgorithm {
  /** Takes the new address list; called when addresses or weights change, never on health changes. */
  rebuild(addresses: readonly Address[]): void;
  /**
   * The next address that is selectable and not in `exclude`, or null. `hash` is the request's hash value
   * (consistent-hashing only); `now` is the clock's time (latency only).
   */
  pick(hash: string | null, exclude: ReadonlySet<string> | undefined, now: number): Address | null;
  /** Learns from a finished request (latency). */
  observe?(address: Address, outcome: Outcome, now: number): void;
  /** Whether `pick` reads `now`, so the balancer only reads the clock when needed. */
  readonly needsClock: boolean;
}

/** Whether `address` may take this request. */
export function eligible(address: Address, exclude: ReadonlySet<string> | undefined): boolean {
  return address.selectable && address.weight > 0 && (exclude === undefined || !exclude.has(address.key));
}
