import type { SnapshotRecord, SnapshotStore } from '@gantry/store';

/** Snapshots kept in memory, every one of them, for tests of time travel. */
export class MemorySnapshots implements Pick<SnapshotStore, 'atOrBefore'> {
  private readonly snapshots: SnapshotRecord[] = [];

  add(snapshot: SnapshotRecord): void {
    this.snapshots.push(snapshot);
  }

  atOrBefore(version: number): Promise<SnapshotRecord | null> {
    let best: SnapshotRecord | null = null;
    for (const s of this.snapshots) if (s.version <= version && (best === null || s.version > best.version)) best = s;
    return Promise.resolve(best);
  }
}
