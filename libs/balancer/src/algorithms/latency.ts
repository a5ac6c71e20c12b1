import type { Address } from '../address';
import type { Outcome } from '../types';
import { eligible, type BalancingAlgorithm } from './algorithm';

/** Kong's (and Finagle's) decay time of the moving average. */
export const EWMA_DECAY_MS = 10_000;
/** The latency charged for a timeout or connection failure, so a peer failing fast does not look fast. */
export const FAILURE_PENALTY_MS = 5_000;

function decayed(a: Address, now: number): number {
  if (a.ewmaAt < 0) return a.ewma;
  const idle = Math.max(now - a.ewmaAt, 0);
  return a.ewma * Math.exp(-idle / EWMA_DECAY_MS);
}

/**
 * Kong's `latency` algorithm: a peak EWMA of response times per address. A slower sample replaces the average
 * at once (peak), faster ones pull it down with a 10 s time-based decay, and an idle address drifts back towards
 * zero so it is tried again. The cost of an address is its EWMA times (in flight + 1) divided by its weight; the
 * lowest wins. New addresses start at the average of the others (Kong's slow start).
 */
export class Latency implements BalancingAlgorithm {
  readonly needsClock = true;
  private addresses: readonly Address[] = [];
  private cursor = 0;

  constructor(private readonly now: () => number) {}

  rebuild(addresses: readonly Address[]): void {
    this.addresses = addresses;
    this.cursor = 0;
    const now = this.now();
    let sum = 0;
    let known = 0;
    for (const a of addresses) {
      if (a.ewmaAt < 0) continue;
      sum += decayed(a, now);
      known++;
    }
    if (known === 0) return;
    for (const a of addresses) {
      if (a.ewmaAt >= 0) continue;
      a.ewma = sum / known;
      a.ewmaAt = now;
    }
  }

  pick(_hash: string | null, exclude: ReadonlySet<string> | undefined, now: number): Address | null {
    const list = this.addresses;
    const n = list.length;
    if (n === 0) return null;
    const start = this.cursor;
    this.cursor = start + 1 >= n ? 0 : start + 1;
    let best: Address | null = null;
    let bestCost = Infinity;
    for (let i = 0; i < n; i++) {
      const a = list[(start + i) % n];
      if (!eligible(a, exclude)) continue;
      const cost = (decayed(a, now) * (a.inFlight + 1)) / a.weight;
      if (cost < bestCost) {
        best = a;
        bestCost = cost;
      }
    }
    return best;
  }

  observe(a: Address, outcome: Outcome, now: number): void {
    const sample = outcome.kind === 'response' ? Math.max(outcome.latencyMs, 0) : FAILURE_PENALTY_MS;
    const current = a.ewmaAt < 0 ? 0 : a.ewma;
    if (sample > current || a.ewmaAt < 0) {
      a.ewma = sample;
    } else {
      const w = Math.exp(-Math.max(now - a.ewmaAt, 0) / EWMA_DECAY_MS);
      a.ewma = current * w + sample * (1 - w);
    }
    a.ewmaAt = now;
  }
}
