import {
  childrenOf,
  isJsonObject,
  type ConfigState,
  type Entity,
  type EntityKind,
  type JsonObject,
} from '@gantry/config';

/** The id inside a foreign key value (`{ id }`), if any. */
export function refOf(value: unknown): string | undefined {
  return isJsonObject(value) && typeof value.id === 'string' ? value.id : undefined;
}

/**
 * An entity as the Admin API shows it. Certificates carry the names of their SNIs, as Kong's
 * `/certificates` endpoints do; everything else is shown as stored.
 */
export function present(state: ConfigState, kind: EntityKind, entity: Entity): JsonObject {
  if (kind !== 'certificates') return entity;
  const names = childrenOf(state, 'snis', 'certificate', entity.id)
    .map((id) => state.entities.snis.get(id)?.name)
    .filter((n): n is string => typeof n === 'string')
    .sort();
  return { ...entity, snis: names };
}
