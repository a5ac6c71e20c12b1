import {
  byReportId,
  type DataPlaneRegistry,
  type DataPlaneReport,
  type DataPlaneReportInput,
} from './data-plane-registry';
import { DEFAULT_DATA_PLANE_TTL_SECONDS, checkTtlSeconds } from './ttl';
import { validateReport } from './validate-report';

export interface InMemoryDataPlaneRegistryOptions {
  /** A replica that stops reporting is forgotten this long after its last report; default 14 days. */
  readonly ttlSeconds?: number;
  /** Clock in epoch ms (tests). */
  readonly now?: () => number;
}

/**
 * The registry of one process (embedded and standalone mode, where the admin and the proxy share a config
 * plane). Reports are copied in and out, so no caller can change what another one reads.
 */
export class InMemoryDataPlaneRegistry implements DataPlaneRegistry {
  private readonly reports = new Map<string, { readonly report: DataPlaneReport; readonly atMs: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: InMemoryDataPlaneRegistryOptions = {}) {
    this.ttlMs = checkTtlSeconds(options.ttlSeconds ?? DEFAULT_DATA_PLANE_TTL_SECONDS) * 1000;
    this.now = options.now ?? Date.now;
  }

  report(report: DataPlaneReportInput): Promise<void> {
    // Inside the executor, so an invalid report rejects like the Cassandra adapter's instead of throwing.
    return new Promise((resolve) => {
      validateReport(report);
      const atMs = this.now();
      const stored = { ...structuredClone(report), last_seen: Math.floor(atMs / 1000) };
      this.reports.set(report.id, { report: stored, atMs });
      resolve();
    });
  }

  list(): Promise<DataPlaneReport[]> {
    const oldest = this.now() - this.ttlMs;
    const live: DataPlaneReport[] = [];
    for (const [id, entry] of this.reports) {
      if (entry.atMs <= oldest) this.reports.delete(id);
      else live.push(structuredClone(entry.report));
    }
    return Promise.resolve(live.sort(byReportId));
  }

  remove(id: string): Promise<void> {
    this.reports.delete(id);
    return Promise.resolve();
  }
}
