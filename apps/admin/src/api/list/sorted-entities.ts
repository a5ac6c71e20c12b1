import { childrenOf, type ConfigState, type Entity, type EntityKind } from '@gantry/config';

/**
 * Entities of each kind sorted by id, rebuilt only when the folded version changes, so paging through a
 * large collection does not sort it once per page.
 */
export class SortedEntities {
  private state: ConfigState | undefined;
  private version = -1;
  private readonly cache = new Map<EntityKind, Entity[]>();

  /** Every entity of `kind`, sorted by id. Callers must not modify the array. */
  all(state: ConfigState, kind: EntityKind): readonly Entity[] {
    this.sync(state);
    let list = this.cache.get(kind);
    if (list === undefined) {
      list = [...state.entities[kind].values()].sort(byId);
      this.cache.set(kind, list);
    }
    return list;
  }

  /** The `kind` entities whose `field` references `parentId`, sorted by id. */
  children(state: ConfigState, kind: EntityKind, field: string, parentId: string): Entity[] {
    const map = state.entities[kind];
    return childrenOf(state, kind, field, parentId)
      .map((id) => map.get(id))
      .filter((e): e is Entity => e !== undefined);
  }

  private sync(state: ConfigState): void {
    if (this.state === state && this.version === state.version) return;
    this.state = state;
    this.version = state.version;
    this.cache.clear();
  }
}

function byId(a: Entity, b: Entity): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
