import { types } from 'cassandra-driver';

/** A bigint column as a JS number (the driver returns `Long`); config versions stay far below 2^53. */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (value instanceof types.Long) return value.toNumber();
  return Number(value);
}

/** A nullable bigint column. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** Runs `work` over `items` with at most `limit` in flight, in order of start. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
