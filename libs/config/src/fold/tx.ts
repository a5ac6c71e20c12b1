/** What undoing one recorded mutation does. */
const Undo = { MapSet: 0, MapDelete: 1, SetAdd: 2, SetDelete: 3 } as const;
type Undo = (typeof Undo)[keyof typeof Undo];

/**
 * Undo log for one event: every mutation of the state goes through it, so a changeset that fails half-way is
 * rolled back exactly. Cheaper than copying: single-change events, the common case, touch a handful of entries.
 * Each mutation is recorded as four plain slots (what to undo, the collection, the key, the old value) rather than
 * a closure: replaying a long log records millions of them.
 */
export class Tx {
  private readonly undo: unknown[] = [];

  /** @param recording false for a state being built from scratch, which is discarded rather than undone. */
  constructor(private readonly recording = true) {}

  private record(op: Undo, target: unknown, key: unknown, old: unknown): void {
    if (this.recording) this.undo.push(op, target, key, old);
  }

  // The mutators below touch each collection as few times as they can (a `size` comparison rather than a `has`
  // before the write): on a log of a million events, index lookups in maps of hundreds of thousands of entries
  // are most of the fold's own time.

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (!this.recording) {
      map.set(key, value);
      return;
    }
    const size = map.size;
    const old = map.get(key);
    map.set(key, value);
    if (map.size !== size) this.undo.push(Undo.MapDelete, map, key, undefined);
    else this.undo.push(Undo.MapSet, map, key, old);
  }

  /** `mapSet` of a key the caller has just seen missing from `map`. */
  mapInsert<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.set(key, value);
    this.record(Undo.MapDelete, map, key, undefined);
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    const old = map.get(key);
    if (!map.delete(key)) return;
    this.record(Undo.MapSet, map, key, old);
  }

  setAdd<V>(set: Set<V>, value: V): void {
    const size = set.size;
    set.add(value);
    if (set.size !== size) this.record(Undo.SetDelete, set, value, undefined);
  }

  setDelete<V>(set: Set<V>, value: V): void {
    if (!set.delete(value)) return;
    this.record(Undo.SetAdd, set, value, undefined);
  }

  /** Undoes every mutation, newest first. */
  rollback(): void {
    const undo = this.undo;
    for (let i = undo.length - 4; i >= 0; i -= 4) {
      const target = undo[i + 1];
      const key = undo[i + 2];
      switch (undo[i] as Undo) {
        case Undo.MapSet:
          (target as Map<unknown, unknown>).set(key, undo[i + 3]);
          break;
        case Undo.MapDelete:
          (target as Map<unknown, unknown>).delete(key);
          break;
        case Undo.SetAdd:
          (target as Set<unknown>).add(key);
          break;
        case Undo.SetDelete:
          (target as Set<unknown>).delete(key);
          break;
      }
    }
    undo.length = 0;
  }
}
