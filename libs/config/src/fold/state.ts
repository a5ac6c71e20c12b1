import { FOREIGN_KEYS } from '../entities/registry';
import { ENTITY_KINDS, type Entity, type EntityKind } from '../kinds';
import { refIndexName, UNIQUE_RULES } from './rules';

/**
 * The folded configuration: entities per kind plus the indexes the fold needs to stay O(changes) per event.
 * Entities are shared with the events they came from and must be treated as read-only.
 */
export interface ConfigState {
  /** Version of the last event folded (applied or rejected); 0 for an empty log. */
  version: number;
  /** Entities by kind, then by id. */
  entities: Record<EntityKind, Map<string, Entity>>;
  /** Unique indexes: rule name → unique key → entity id. */
  unique: Record<string, Map<string, string>>;
  /** Reverse foreign-key indexes: `routes.service` → service id → route ids. */
  refs: Record<string, Map<string, Set<string>>>;
}

/** An empty state at version 0. */
export function createState(): ConfigState {
  const entities = Object.fromEntries(ENTITY_KINDS.map((k) => [k, new Map<string, Entity>()])) as Record<
    EntityKind,
    Map<string, Entity>
  >;
  const unique: Record<string, Map<string, string>> = {};
  for (const kind of ENTITY_KINDS) for (const rule of UNIQUE_RULES[kind]) unique[rule.name] = new Map();
  const refs: Record<string, Map<string, Set<string>>> = {};
  for (const fk of FOREIGN_KEYS) refs[refIndexName(fk)] = new Map();
  return { version: 0, entities, unique, refs };
}

/** An entity by kind and id. */
export function getEntity(state: ConfigState, kind: EntityKind, id: string): Entity | undefined {
  return state.entities[kind].get(id);
}

const byId = (a: Entity, b: Entity): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** All entities of a kind, sorted by id. */
export function listEntities(state: ConfigState, kind: EntityKind): Entity[] {
  const map = state.entities[kind];
  // The fold keys every entity by its id, so sorting the keys (the engine's native string order, the same code
  // unit order as `<`) sorts the entities, several times faster than a comparator over 100k entities.
  const ids = [...map.keys()].sort();
  const entities = new Array<Entity>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const entity = map.get(ids[i]) as Entity;
    if (entity.id !== ids[i]) return [...map.values()].sort(byId); // a state not built by the fold
    entities[i] = entity;
  }
  return entities;
}

/** Number of entities of a kind. */
export function countEntities(state: ConfigState, kind: EntityKind): number {
  return state.entities[kind].size;
}

/** Ids of the `childKind` entities whose `field` points at `parentId`, sorted (e.g. routes of a service). */
export function childrenOf(state: ConfigState, childKind: EntityKind, field: string, parentId: string): string[] {
  const index = state.refs[`${childKind}.${field}`] as Map<string, Set<string>> | undefined;
  const set = index?.get(parentId);
  return set === undefined ? [] : [...set].sort();
}

/** The entity holding `value` in a single-field unique index (`services` by `name`, `snis` by `name`). */
export function findByUnique(state: ConfigState, kind: EntityKind, field: string, value: string): Entity | undefined {
  const index = state.unique[`${kind}.${field}`] as Map<string, string> | undefined;
  const id = index?.get(value);
  return id === undefined ? undefined : state.entities[kind].get(id);
}
