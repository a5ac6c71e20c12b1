/** Kong's `db_update_frequency` default: how often a traditional-mode node polls the database for changes. */
export const KONG_DB_UPDATE_FREQUENCY_MS = 5_000;

export interface PropagationFigures {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly [metric: string]: number;
}

/**
 * Kong's propagation delay as a model, not a measurement: a change waits for the node's next poll, which comes
 * uniformly within one period, so the q-th percentile is q × period and the worst case is one period. This is
 * the optimistic reading (it ignores the cache invalidation and router rebuild after the poll, which is why
 * Kong's documented worst cases are around two periods).
 */
export function kongPollingFigures(periodMs: number = KONG_DB_UPDATE_FREQUENCY_MS): PropagationFigures {
  if (!(periodMs > 0)) throw new RangeError(`periodMs must be positive, got ${periodMs}`);
  return { p50Ms: 0.5 * periodMs, p99Ms: 0.99 * periodMs, maxMs: periodMs };
}
