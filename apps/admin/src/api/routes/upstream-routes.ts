import { findByIdOrKey, isKongError } from '@gantry/config';
import { isFresh, readReports, reportIntervalOf } from '../clustering/reports';
import { viewsOf } from '../clustering/target-health';
import { balancerHealth, targetHealthRows } from '../clustering/upstream-health';
import { json, kongErrorResponse, notFound } from '../http/responses';
import { decodeOffset, paginate, parsePageSize } from '../list/pagination';
import type { SortedEntities } from '../list/sorted-entities';
import type { Route } from '../router';
import type { AdminServices } from '../types';
import { nextLink, type EntityHandlers } from './entity-handlers';

/**
 * `GET /upstreams/{u}/health`: the targets with the health the fresh proxy replicas report, aggregated (see
 * `clustering/`), paginated like every list; `?balancer_health=1` answers the upstream's own summary instead, as
 * Kong 3 does. Also `GET /upstreams/{u}/targets/all`.
 */
export function upstreamRoutes(s: AdminServices, lists: SortedEntities, h: EntityHandlers): Route[] {
  return [
    {
      pattern: '/upstreams/:parent/health',
      methods: {
        GET: async (ctx) => {
          const size = parsePageSize(ctx.query.get('size'));
          if (isKongError(size)) return kongErrorResponse(size);
          const after = decodeOffset(ctx.query.get('offset'));
          if (isKongError(after)) return kongErrorResponse(after);
          const upstream = findByIdOrKey(s.replica.state, 'upstreams', ctx.params.parent);
          if (upstream === undefined) return notFound();
          const reports = await readReports(s);
          if (!Array.isArray(reports)) return reports;
          const now = s.now();
          const interval = reportIntervalOf(s);
          const views = viewsOf(
            reports.filter((r) => isFresh(r, now, interval)),
            upstream.id,
          );
          const targets = lists.children(s.replica.state, 'targets', 'upstream', upstream.id);
          const rows = targetHealthRows(upstream, targets, views, s.targetHealth?.(upstream.id));
          const nodeId = s.nodeInfo.nodeId;
          if (ctx.query.get('balancer_health') === '1') {
            return json(200, { data: balancerHealth(upstream, rows, views), next: null, node_id: nodeId });
          }
          const page = paginate(rows, (row) => row.id, size, after);
          return json(200, {
            data: page.data,
            ...(page.offset === undefined ? {} : { offset: page.offset }),
            next: page.offset === undefined ? null : nextLink(ctx, page.offset),
            node_id: nodeId,
          });
        },
      },
    },
    {
      pattern: '/upstreams/:parent/targets/all',
      methods: { GET: h.list('targets', { kind: 'upstreams', field: 'upstream' }) },
    },
  ];
}
