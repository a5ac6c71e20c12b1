import type { Goal, Summary } from './types';

function assertSamples(samples: readonly number[], what: string): void {
  if (samples.length === 0) throw new RangeError(`${what} of no samples`);
  if (samples.some((x) => !Number.isFinite(x))) throw new RangeError(`${what}: samples must be finite numbers`);
}

/** The middle sample, or the mean of the two middle ones. */
export function median(samples: readonly number[]): number {
  assertSamples(samples, 'median');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The nearest-rank percentile (`q` in [0, 1]): the smallest sample with at least `q` of the samples at
 * or below it. Always one of the samples, so a p99 is a latency some request really had.
 */
export function percentile(samples: readonly number[], q: number): number {
  assertSamples(samples, 'percentile');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile: q must be within [0, 1], got ${q}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/** Median, min and max of repeated runs. */
export function summarize(samples: readonly number[]): Summary {
  assertSamples(samples, 'summary');
  return { value: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] };
}

/** value / reference; null when the reference is 0 (no meaningful ratio). */
export function ratio(value: number, reference: number): number | null {
  return reference === 0 ? null : value / reference;
}

export function meetsGoal(value: number, goal: Goal): boolean {
  return goal.op === '>=' ? value >= goal.value : value <= goal.value;
}
