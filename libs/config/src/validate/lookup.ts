import { schemaOf } from '../entities/registry';
import { normalizeTarget } from '../entities/target';
import { refId } from '../fold/rules';
import { childrenOf, findByUnique, type ConfigState } from '../fold/state';
import { isUuid, type Entity, type EntityKind } from '../kinds';

/** Restricts a lookup to children of one parent (`/consumers/{c}/key-auth/{k}`). */
export interface LookupScope {
  readonly field: string;
  readonly id: string;
}

function inScope(entity: Entity, scope: LookupScope | undefined): boolean {
  return scope === undefined || refId(entity[scope.field]) === scope.id;
}

function scoped(state: ConfigState, kind: EntityKind, scope: LookupScope | undefined): Entity[] {
  const map = state.entities[kind];
  if (scope === undefined) return [...map.values()];
  return childrenOf(state, kind, scope.field, scope.id)
    .map((id) => map.get(id))
    .filter((e): e is Entity => e !== undefined);
}

/**
 * Resolves an Admin API path segment the way Kong does: a uuid is tried as the id first, then the segment is
 * tried as the kind's endpoint key (service/route/upstream/sni name, consumer username, credential key or
 * username, plugin instance_name). Certificates are also found by one of their SNI names, targets by
 * `host:port` and acls by group (both within `scope`).
 */
export function findByIdOrKey(
  state: ConfigState,
  kind: EntityKind,
  idOrKey: string,
  scope?: LookupScope,
): Entity | undefined {
  if (isUuid(idOrKey)) {
    const byId = state.entities[kind].get(idOrKey);
    if (byId !== undefined && inScope(byId, scope)) return byId;
  }
  switch (kind) {
    case 'certificates': {
      const sni = findByUnique(state, 'snis', 'name', idOrKey);
      const certId = sni === undefined ? undefined : refId(sni.certificate);
      return certId === undefined ? undefined : state.entities.certificates.get(certId);
    }
    case 'targets': {
      const wanted = normalizeTarget(idOrKey);
      return scoped(state, kind, scope).find((t) => t.target === wanted || t.target === idOrKey);
    }
    case 'acls':
      return scope === undefined ? undefined : scoped(state, kind, scope).find((a) => a.group === idOrKey);
    default: {
      const key = schemaOf(kind).endpoint_key;
      if (key === undefined) return undefined;
      const found = findByUnique(state, kind, key, idOrKey);
      return found !== undefined && inScope(found, scope) ? found : undefined;
    }
  }
}
