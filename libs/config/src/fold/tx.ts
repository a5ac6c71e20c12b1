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

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (map.has(key)) {
      this.record(Undo.MapSet, map, key, map.get(key));
    } else {
      this.record(Undo.MapDelete, map, key, undefined);
    }
    map.set(key, value);
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    const old = map.get(key) as V;
    map.delete(key);
    this.record(Undo.MapSet, map, key, old);
  }

  setAdd<V>(set: Set<V>, value: V): void {
    if (set.has(value)) return;
    set.add(value);
    this.record(Undo.SetDelete, set, value, undefined);
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
