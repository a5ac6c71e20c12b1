import { adminPathOf, ENTITY_KINDS, FOREIGN_KEYS, nestedAdminPathOf, type EntityKind } from '@gantry/config';
import type { Route } from '../router';
import type { EntityHandlers } from './entity-handlers';

/** Kinds Kong serves only below their parent (`/upstreams/{u}/targets`), never as a top-level collection. */
const NESTED_ONLY: ReadonlySet<EntityKind> = new Set(['targets']);

/** Path segment of a kind below its parent: `key-auth` under consumers, `routes` under services. */
function nestedPathOf(kind: EntityKind): string {
  return nestedAdminPathOf(kind) ?? adminPathOf(kind);
}

/**
 * Every generic entity endpoint, derived from the schemas as Kong derives them: a collection and an entity
 * endpoint per kind, and for each foreign key the referenced entity (`/routes/{r}/service`) plus the nested
 * collection and entity (`/services/{s}/routes[/{r}]`).
 */
export function entityRoutes(h: EntityHandlers): Route[] {
  const routes: Route[] = [];
  for (const kind of ENTITY_KINDS) {
    if (NESTED_ONLY.has(kind)) continue;
    const path = `/${adminPathOf(kind)}`;
    routes.push({ pattern: path, methods: { GET: h.list(kind), POST: h.write(kind, 'create') } });
    routes.push({
      pattern: `${path}/:id`,
      methods: {
        GET: h.get(kind),
        PUT: h.write(kind, 'upsert'),
        PATCH: h.write(kind, 'update'),
        DELETE: h.write(kind, 'delete'),
      },
    });
  }
  for (const fk of FOREIGN_KEYS) {
    if (!NESTED_ONLY.has(fk.kind)) {
      routes.push({
        pattern: `/${adminPathOf(fk.kind)}/:id/${fk.field}`,
        methods: {
          GET: h.foreign(fk.kind, fk.field, fk.reference, 'GET'),
          PUT: h.foreign(fk.kind, fk.field, fk.reference, 'PUT'),
          PATCH: h.foreign(fk.kind, fk.field, fk.reference, 'PATCH'),
          DELETE: h.foreign(fk.kind, fk.field, fk.reference, 'DELETE'),
        },
      });
    }
    const parent = { kind: fk.reference, field: fk.field };
    const nested = `/${adminPathOf(fk.reference)}/:parent/${nestedPathOf(fk.kind)}`;
    routes.push({
      pattern: nested,
      methods: { GET: h.list(fk.kind, parent), POST: h.write(fk.kind, 'create', parent) },
    });
    routes.push({
      pattern: `${nested}/:id`,
      methods: {
        GET: h.get(fk.kind, parent),
        PUT: h.write(fk.kind, 'upsert', parent),
        PATCH: h.write(fk.kind, 'update', parent),
        DELETE: h.write(fk.kind, 'delete', parent),
      },
    });
  }
  return routes;
}
