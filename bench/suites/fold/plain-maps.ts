import type { ConfigEvent } from '@gantry/config';

/** Entities by kind, then by id: the state with none of the fold's rules, indexes or transactions. */
export type PlainMaps = Map<string, Map<string, unknown>>;

/**
 * The reference fold: each change is a bare Map.set (create/update) or Map.delete. No schema, unique
 * or foreign-key checks, no indexes, no cascades, no rollback, no version check. It is the ceiling of
 * "putting the same entities into memory", not a correct fold.
 */
export function foldIntoMaps(maps: PlainMaps, event: ConfigEvent): void {
  for (const change of event.changes) {
    let byId = maps.get(change.kind);
    if (!byId) maps.set(change.kind, (byId = new Map<string, unknown>()));
    if (change.op === 'delete') byId.delete(change.key);
    else byId.set(change.key, change.after);
  }
}

/** Entities per kind, to check that a reference ended where the real fold did. */
export function countPlain(maps: PlainMaps): Record<string, number> {
  return Object.fromEntries([...maps].filter(([, byId]) => byId.size > 0).map(([kind, byId]) => [kind, byId.size]));
}
