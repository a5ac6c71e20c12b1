/**
 * Undo log for one event: every mutation of the state goes through it, so a changeset that fails half-way is
 * rolled back exactly. Cheaper than copying: single-change events, the common case, touch a handful of entries.
 */
export class Tx {
  private readonly undo: (() => void)[] = [];

  /** @param recording false for a state being built from scratch, which is discarded rather than undone. */
  constructor(private readonly recording = true) {}

  private record(fn: () => void): void {
    if (this.recording) this.undo.push(fn);
  }

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (map.has(key)) {
      const old = map.get(key) as V;
      this.record(() => map.set(key, old));
    } else {
      this.record(() => map.delete(key));
    }
    map.set(key, value);
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    const old = map.get(key) as V;
    map.delete(key);
    this.record(() => map.set(key, old));
  }

  setAdd<V>(set: Set<V>, value: V): void {
    if (set.has(value)) return;
    set.add(value);
    this.record(() => set.delete(value));
  }

  setDelete<V>(set: Set<V>, value: V): void {
    if (!set.delete(value)) return;
    this.record(() => set.add(value));
  }

  /** Undoes every mutation, newest first. */
  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]();
    this.undo.length = 0;
  }
}
