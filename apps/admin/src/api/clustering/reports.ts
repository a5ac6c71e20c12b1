import type { DataPlaneReport } from '@gantry/store';
import type { AdminResponse, AdminServices } from '../types';

/** The proxies' default `GANTRY_PROXY_REPORT_INTERVAL_MS`. */
export const DEFAULT_REPORT_INTERVAL_MS = 2_000;

/** A replica that missed this many reports in a row is stale. */
export const STALE_AFTER_INTERVALS = 3;

/** `last_seen` is in whole seconds, so a report can look up to this much older than it is. */
const LAST_SEEN_RESOLUTION_MS = 1_000;

/** Whether a report is recent enough to describe the replica as it is now. */
export function isFresh(report: Pick<DataPlaneReport, 'last_seen'>, nowMs: number, intervalMs: number): boolean {
  return nowMs - report.last_seen * 1000 <= STALE_AFTER_INTERVALS * intervalMs + LAST_SEEN_RESOLUTION_MS;
}

export function reportIntervalOf(s: AdminServices): number {
  return s.settings.reportIntervalMs ?? DEFAULT_REPORT_INTERVAL_MS;
}

/**
 * Every report the registry holds, or the 503 to answer when it cannot be read (Cassandra down): an empty list
 * would claim that no replica runs.
 */
export async function readReports(s: AdminServices): Promise<DataPlaneReport[] | AdminResponse> {
  if (s.dataPlanes === undefined) return [];
  try {
    return await s.dataPlanes.list();
  } catch (error) {
    return {
      status: 503,
      body: {
        message: `The data-plane registry is unavailable: ${error instanceof Error ? error.message : String(error)}`,
      },
      headers: { 'Retry-After': '1' },
    };
  }
}
