import { cqlIdentifier, type CassandraConnection } from '@gantry/cassandra';
import { childLogger, type Logger } from '@gantry/logging';
import { StoreInvalidError, errorMessage } from '../errors';
import {
  byReportId,
  type DataPlaneRegistry,
  type DataPlaneReport,
  type DataPlaneReportInput,
  type ReportedUpstreamHealth,
} from './data-plane-registry';
import { DEFAULT_DATA_PLANE_TTL_SECONDS, checkTtlSeconds } from './ttl';
import { validateReport } from './validate-report';

/** The partition every replica of a Gantry cluster reports into (the keyspace already belongs to one log). */
export const DEFAULT_DATA_PLANE_CLUSTER = 'default';

/** An unchanged health map is written again at least this often, so it outlives a lost write. */
const DEFAULT_HEALTH_REFRESH_MS = 60_000;

/** Rows per page when listing: a health map can be large, and the driver holds a page in memory. */
const LIST_PAGE_SIZE = 100;

export interface CassandraDataPlaneRegistryOptions {
  /** The process's session; the registry uses it but does not own it. */
  readonly connection: CassandraConnection;
  /** Holds the `data_planes` table (`ensureStoreSchema` creates it). */
  readonly keyspace: string;
  /** The partition; default {@link DEFAULT_DATA_PLANE_CLUSTER}. */
  readonly cluster?: string;
  /** Rows are written `USING TTL`: a replica that stops reporting vanishes this long after; default 14 days. */
  readonly ttlSeconds?: number;
  /** An unchanged health map is rewritten at least this often; default 60 s. */
  readonly healthRefreshMs?: number;
  /** Clock in epoch ms (tests). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** Status fields of a report, stored as one JSON column. */
type StoredStatus = Omit<DataPlaneReportInput, 'upstream_health'>;

/**
 * Replica reports in the `data_planes` table: one partition per cluster with a row per replica. That partition
 * is bounded by the number of replicas seen within the TTL, which is small; every write carries the TTL, so a
 * replica that dies without `remove()` disappears on its own, like Kong's `cluster_data_plane_purge_delay`.
 *
 * The health map can be the largest part of a report and rarely changes, so a replica writes it only when it
 * changed or `healthRefreshMs` passed; the status column is written every time.
 */
export class CassandraDataPlaneRegistry implements DataPlaneRegistry {
  private readonly ks: string;
  private readonly cluster: string;
  private readonly ttl: number;
  private readonly healthRefreshMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;
  /** The health map this process last wrote per replica id, to skip rewriting it unchanged. */
  private readonly writtenHealth = new Map<string, { readonly json: string; readonly atMs: number }>();

  constructor(private readonly options: CassandraDataPlaneRegistryOptions) {
    this.ks = cqlIdentifier(options.keyspace);
    this.cluster = options.cluster ?? DEFAULT_DATA_PLANE_CLUSTER;
    if (this.cluster.length === 0) throw new StoreInvalidError('cluster must not be empty');
    this.ttl = checkTtlSeconds(options.ttlSeconds ?? DEFAULT_DATA_PLANE_TTL_SECONDS);
    this.healthRefreshMs = options.healthRefreshMs ?? DEFAULT_HEALTH_REFRESH_MS;
    if (!Number.isSafeInteger(this.healthRefreshMs) || this.healthRefreshMs < 0) {
      throw new StoreInvalidError('healthRefreshMs must be an integer >= 0');
    }
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? childLogger('data-planes');
  }

  async report(report: DataPlaneReportInput): Promise<void> {
    validateReport(report);
    const { upstream_health: upstreamHealth, ...fields } = report;
    const status: StoredStatus = fields;
    const health = JSON.stringify(upstreamHealth);
    const atMs = this.now();
    const written = this.writtenHealth.get(report.id);
    const writeHealth = written === undefined || written.json !== health || atMs - written.atMs >= this.healthRefreshMs;
    if (writeHealth) {
      await this.options.connection.execute(
        `INSERT INTO ${this.ks}.data_planes (cluster, id, last_seen, report, upstream_health) ` +
          `VALUES (?, ?, ?, ?, ?) USING TTL ?`,
        [this.cluster, report.id, new Date(atMs), JSON.stringify(status), health, this.ttl],
      );
      this.writtenHealth.set(report.id, { json: health, atMs });
    } else {
      await this.options.connection.execute(
        `INSERT INTO ${this.ks}.data_planes (cluster, id, last_seen, report) VALUES (?, ?, ?, ?) USING TTL ?`,
        [this.cluster, report.id, new Date(atMs), JSON.stringify(status), this.ttl],
      );
    }
  }

  async list(): Promise<DataPlaneReport[]> {
    const result = await this.options.connection.client.execute(
      `SELECT id, last_seen, report, upstream_health FROM ${this.ks}.data_planes WHERE cluster = ?`,
      [this.cluster],
      { prepare: true, fetchSize: LIST_PAGE_SIZE },
    );
    const reports: DataPlaneReport[] = [];
    for await (const row of result) {
      const id = row.get('id') as string;
      try {
        reports.push(
          this.parse(id, row.get('last_seen') as Date | null, row.get('report'), row.get('upstream_health')),
        );
      } catch (error) {
        // One replica's unreadable row (a newer format, a partial write) must not hide the others.
        this.logger.warn({ id, err: errorMessage(error) }, 'skipping an unreadable data-plane report');
      }
    }
    return reports.sort(byReportId);
  }

  async remove(id: string): Promise<void> {
    this.writtenHealth.delete(id);
    await this.options.connection.execute(`DELETE FROM ${this.ks}.data_planes WHERE cluster = ? AND id = ?`, [
      this.cluster,
      id,
    ]);
  }

  private parse(id: string, lastSeen: Date | null, report: unknown, health: unknown): DataPlaneReport {
    if (typeof report !== 'string') throw new Error('the report column is empty');
    const status = JSON.parse(report) as StoredStatus | null;
    if (typeof status !== 'object' || status === null) throw new Error('the report column is not a JSON object');
    const upstreamHealth =
      typeof health === 'string' ? (JSON.parse(health) as Record<string, ReportedUpstreamHealth>) : {};
    return {
      ...status,
      id,
      last_seen: lastSeen === null ? 0 : Math.floor(lastSeen.getTime() / 1000),
      upstream_health: upstreamHealth,
    };
  }
}
