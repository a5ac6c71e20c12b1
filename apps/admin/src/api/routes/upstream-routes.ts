import { findByIdOrKey, isJsonObject, type Entity } from '@gantry/config';
import { json, notFound } from '../http/responses';
import type { SortedEntities } from '../list/sorted-entities';
import type { Route } from '../router';
import type { AdminServices } from '../types';
import type { EntityHandlers } from './entity-handlers';

/** True when an upstream has neither active probes nor passive counters configured (Kong's defaults). */
function checksOff(upstream: Entity): boolean {
  const hc = upstream.healthchecks;
  if (!isJsonObject(hc)) return true;
  const active = isJsonObject(hc.active) ? hc.active : {};
  const passive = isJsonObject(hc.passive) ? hc.passive : {};
  const positive = (v: unknown): boolean => typeof v === 'number' && v > 0;
  const counters = (side: unknown): boolean =>
    isJsonObject(side) && Object.values(side).some((v) => positive(v) && !Array.isArray(v));
  const activeOn =
    (isJsonObject(active.healthy) && positive(active.healthy.interval)) ||
    (isJsonObject(active.unhealthy) && positive(active.unhealthy.interval));
  const passiveOn = counters(passive.healthy) || counters(passive.unhealthy);
  return !activeOn && !passiveOn;
}

/** `GET /upstreams/{u}/health` and `GET /upstreams/{u}/targets/all`. */
export function upstreamRoutes(s: AdminServices, lists: SortedEntities, h: EntityHandlers): Route[] {
  return [
    {
      pattern: '/upstreams/:parent/health',
      methods: {
        GET: (ctx) => {
          const upstream = findByIdOrKey(s.replica.state, 'upstreams', ctx.params.parent);
          if (upstream === undefined) return notFound();
          // The proxies know the real health; without a provider the admin can only say whether checks are on.
          const reported = s.targetHealth?.(upstream.id);
          const fallback = checksOff(upstream) ? 'HEALTHCHECKS_OFF' : 'HEALTHY';
          const data = lists
            .children(s.replica.state, 'targets', 'upstream', upstream.id)
            .map((t) => ({ ...t, health: reported?.[t.id] ?? fallback, data: { addresses: [] } }));
          return json(200, { data, next: null, node_id: s.nodeInfo.nodeId });
        },
      },
    },
    {
      pattern: '/upstreams/:parent/targets/all',
      methods: { GET: h.list('targets', { kind: 'upstreams', field: 'upstream' }) },
    },
  ];
}
