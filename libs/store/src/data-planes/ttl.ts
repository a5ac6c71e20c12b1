import { StoreInvalidError } from '../errors';

/** Kong's `cluster_data_plane_purge_delay` default: a silent replica is listed (as stale) for 14 days. */
export const DEFAULT_DATA_PLANE_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Cassandra's largest TTL (20 years). */
export const MAX_CASSANDRA_TTL_SECONDS = 630_720_000;

export function checkTtlSeconds(ttl: number): number {
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_CASSANDRA_TTL_SECONDS) {
    throw new StoreInvalidError(`ttlSeconds must be an integer from 1 to ${MAX_CASSANDRA_TTL_SECONDS}`);
  }
  return ttl;
}
