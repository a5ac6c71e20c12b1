import type { Address } from '../address';
import { eligible, type BalancingAlgorithm } from './algorithm';

/**
 * Smooth weighted round-robin (nginx's): every pick adds each eligible address's weight to its running total,
 * takes the highest, and subtracts the sum of weights from it. Weights 5:1:1 give a,a,b,a,c,a,a rather than
 * bursts, and the sequence is deterministic. Unavailable addresses simply sit out.
 */
export class RoundRobin implements BalancingAlgorithm {
  readonly needsClock = false;
  private addresses: readonly Address[] = [];

  rebuild(addresses: readonly Address[]): void {
    this.addresses = addresses;
    for (const a of addresses) a.current = 0;
  }

  pick(_hash: string | null, exclude: ReadonlySet<string> | undefined): Address | null {
    let best: Address | null = null;
    let total = 0;
    for (const a of this.addresses) {
      if (!eligible(a, exclude)) continue;
      a.current += a.weight;
      total += a.weight;
      if (best === null || a.current > best.current) best = a;
    }
    if (best !== null) best.current -= total;
    return best;
  }
}
