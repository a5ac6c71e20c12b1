import { isJsonObject } from '../json';
import { ENTITY_KINDS, isEntityKind, type Entity, type EntityKind } from '../kinds';
import { hashStateEntities } from './canonical-entities';
import { createEntity, type AppliedChange } from './mutations';
import { createState, listEntities, type ConfigState } from './state';
import { Tx } from './tx';

/** Version of the snapshot format. */
export const SNAPSHOT_SCHEMA_VERSION = 1;

/** A state as plain JSON: entities per kind, sorted by id, so equal states give identical snapshots. */
export interface StateSnapshot {
  schema_version: typeof SNAPSHOT_SCHEMA_VERSION;
  version: number;
  entities: Record<EntityKind, Entity[]>;
}

/** Deterministic plain-JSON copy of a state (entities are shared, not cloned). */
export function snapshotState(state: ConfigState): StateSnapshot {
  const entities = Object.fromEntries(ENTITY_KINDS.map((k) => [k, listEntities(state, k)])) as Record<
    EntityKind,
    Entity[]
  >;
  return { schema_version: SNAPSHOT_SCHEMA_VERSION, version: state.version, entities };
}

/** Rebuilds a state (indexes included) from a snapshot; throws when the snapshot is malformed or inconsistent. */
export function restoreState(json: unknown): ConfigState {
  if (!isJsonObject(json)) throw new Error('invalid snapshot: not an object');
  if (json.schema_version !== SNAPSHOT_SCHEMA_VERSION) {
    throw new Error(`invalid snapshot: unsupported schema_version ${JSON.stringify(json.schema_version)}`);
  }
  const { version, entities } = json;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new Error('invalid snapshot: version must be a non-negative integer');
  }
  if (!isJsonObject(entities)) throw new Error('invalid snapshot: entities must be an object');
  for (const kind of Object.keys(entities)) {
    if (!isEntityKind(kind)) throw new Error(`invalid snapshot: unknown entity kind '${kind}'`);
  }
  const state = createState();
  const tx = new Tx(false);
  const scratch: AppliedChange[] = [];
  for (const kind of ENTITY_KINDS) {
    const list = entities[kind] ?? [];
    if (!Array.isArray(list)) throw new Error(`invalid snapshot: entities.${kind} must be an array`);
    for (const item of list) {
      if (!isJsonObject(item) || typeof item.id !== 'string') {
        throw new Error(`invalid snapshot: entities.${kind} holds an entity without an id`);
      }
      const error = createEntity(state, tx, kind, item as Entity, scratch);
      if (error !== undefined) throw new Error(`invalid snapshot: ${kind} ${item.id}: ${error.message}`);
    }
    scratch.length = 0;
  }
  state.version = version;
  return state;
}

/**
 * sha256 (hex) of the canonical JSON of the state's entities (every kind, sorted by id). The version is left out,
 * so replicas at the same content agree and a rejected event leaves the hash unchanged.
 */
export function stateHash(state: ConfigState): string {
  return hashStateEntities(state);
}
