import { windowEnd, windowStart, type Period } from './periods';

/** The current window of each configured period (same order as the periods). */
export interface Windows {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/**
 * The windows holding a given instant, for a fixed list of periods. Every window boundary is a whole second, so
 * the result is computed once per second and shared (never mutated) by the requests of that second.
 */
export class WindowClock {
  private second = Number.NaN;
  private current: Windows = { starts: [], ends: [] };

  constructor(private readonly periods: readonly Period[]) {}

  at(now: number): Windows {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      const starts = this.periods.map((period) => windowStart(period, now));
      const ends = this.periods.map((period, i) => windowEnd(period, starts[i]));
      this.current = { starts, ends };
      this.second = second;
    }
    return this.current;
  }
}
