import type { ConfigState, Entity, EntityKind } from '@gantry/config';

/**
 * A copy of a state that can be folded into without touching the original: maps and index sets are copied,
 * entities are shared (the fold never mutates an entity, it replaces it).
 */
export function cloneState(state: ConfigState): ConfigState {
  const entities = Object.fromEntries(
    Object.entries(state.entities).map(([kind, map]) => [kind, new Map(map)]),
  ) as Record<EntityKind, Map<string, Entity>>;
  const unique = Object.fromEntries(Object.entries(state.unique).map(([name, map]) => [name, new Map(map)]));
  const refs = Object.fromEntries(
    Object.entries(state.refs).map(([name, map]) => [
      name,
      new Map([...map].map(([parent, children]) => [parent, new Set(children)])),
    ]),
  );
  return { version: state.version, entities, unique, refs };
}
