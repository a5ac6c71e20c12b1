import type { Address } from '../address';
import { eligible, type BalancingAlgorithm } from './algorithm';

/**
 * Weighted least-connections: the address with the lowest (in flight + 1) / weight, as Kong scores it. Ties are
 * broken by a rotating starting point so equal addresses share the load.
 */
export class LeastConnections implements BalancingAlgorithm {
  readonly needsClock = false;
  private addresses: readonly Address[] = [];
  private cursor = 0;

  rebuild(addresses: readonly Address[]): void {
    this.addresses = addresses;
    this.cursor = 0;
  }

  pick(_hash: string | null, exclude: ReadonlySet<string> | undefined): Address | null {
    const list = this.addresses;
    const n = list.length;
    if (n === 0) return null;
    const start = this.cursor;
    this.cursor = start + 1 >= n ? 0 : start + 1;
    let best: Address | null = null;
    let bestScore = Infinity;
    for (let i = 0; i < n; i++) {
      const a = list[(start + i) % n];
      if (!eligible(a, exclude)) continue;
      const score = (a.inFlight + 1) / a.weight;
      if (score < bestScore) {
        best = a;
        bestScore = score;
      }
    }
    return best;
  }
}
