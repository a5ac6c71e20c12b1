import type { DataPlaneReport } from '@gantry/store';
import { isKongError } from '@gantry/config';
import { isFresh, readReports, reportIntervalOf } from '../clustering/reports';
import { json, kongErrorResponse } from '../http/responses';
import { decodeOffset, paginate, parsePageSize } from '../list/pagination';
import type { Route } from '../router';
import type { AdminServices } from '../types';
import { nextLink } from './entity-handlers';

/** A replica as `GET /clustering/data-planes` lists it: Kong's fields, then Gantry's. No health map. */
function present(report: DataPlaneReport, fresh: boolean) {
  return {
    id: report.id,
    hostname: report.hostname,
    ip: report.ip,
    last_seen: report.last_seen,
    config_hash: report.config_hash,
    version: report.version,
    // Kong's compatibility verdict; every Gantry replica folds the same log, so there is nothing to mismatch.
    sync_status: 'normal',
    config_version: report.config_version,
    lag: report.lag,
    status: fresh ? report.status : 'stale',
  };
}

/**
 * `GET /clustering/data-planes` (paginated, Kong's shape) and `GET /clustering/status` (Kong's deprecated map by
 * id). Both read the data-plane registry and need no folded configuration, so they answer during an outage.
 */
export function clusteringRoutes(s: AdminServices): Route[] {
  return [
    {
      pattern: '/clustering/data-planes',
      needsConfig: false,
      methods: {
        GET: async (ctx) => {
          const size = parsePageSize(ctx.query.get('size'));
          if (isKongError(size)) return kongErrorResponse(size);
          const after = decodeOffset(ctx.query.get('offset'));
          if (isKongError(after)) return kongErrorResponse(after);
          const reports = await readReports(s);
          if (!Array.isArray(reports)) return reports;
          const now = s.now();
          const interval = reportIntervalOf(s);
          const page = paginate(reports, (r) => r.id, size, after);
          return json(200, {
            data: page.data.map((r) => present(r, isFresh(r, now, interval))),
            ...(page.offset === undefined ? {} : { offset: page.offset }),
            next: page.offset === undefined ? null : nextLink(ctx, page.offset),
          });
        },
      },
    },
    {
      pattern: '/clustering/status',
      needsConfig: false,
      methods: {
        GET: async () => {
          const reports = await readReports(s);
          if (!Array.isArray(reports)) return reports;
          const byId = Object.fromEntries(
            reports.map((r) => [
              r.id,
              { config_hash: r.config_hash, hostname: r.hostname, ip: r.ip, last_seen: r.last_seen },
            ]),
          );
          return { status: 200, body: byId, headers: { Deprecation: 'true' } };
        },
      },
    },
  ];
}
