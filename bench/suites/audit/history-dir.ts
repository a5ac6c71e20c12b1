import { join } from 'node:path';
import { EmbeddedReplayTarget, ReplaySource, readLogRange, replay } from '@gantry/audit';
import { EmbeddedConfigLog } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import { EmbeddedSnapshotStore, prunable, resolveRetention } from '@gantry/store';
import { silent, writeSourceLog, type SourceLog } from './source-log';

/** The embedded snapshotter's default: a snapshot every 1000 folded versions. */
const SNAPSHOT_EVERY = 1_000;

/**
 * The snapshots an embedded admin keeps after folding `events` versions one by one: one every 1000 versions, less
 * what the store's default retention pruned (it keeps the newest 3 and the first of every 10k versions).
 */
export function keptSnapshotVersions(events: number): number[] {
  const saved: number[] = [];
  for (let v = SNAPSHOT_EVERY; v <= events; v += SNAPSHOT_EVERY) saved.push(v);
  if (saved.at(-1) !== events) saved.push(events); // the snapshotter's last save, on close
  const pruned = new Set(prunable(resolveRetention({}), saved));
  return saved.filter((v) => !pruned.has(v));
}

/**
 * A standalone data directory as a live embedded admin leaves it after `events` writes: the log, and the
 * snapshots it would still hold. Only the snapshots that survive pruning are saved (pruning is deterministic,
 * so the directory ends the same), each with the state folded up to its version.
 */
export async function writeHistoryDir(dir: string, events: number): Promise<SourceLog> {
  const dataDir = join(dir, 'data');
  const source = await writeSourceLog(dataDir, events);
  const keep = keptSnapshotVersions(events);
  const log = new EmbeddedConfigLog({ dataDir, logger: silent });
  const store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await log.start();
  await store.start();
  try {
    const fold = new ReplicaFold();
    for await (const record of readLogRange(log, 1, events)) {
      fold.apply(record);
      if (fold.version === keep[0]) {
        keep.shift();
        await store.save(fold.toSnapshot());
      }
    }
  } finally {
    await store.close();
    await log.close();
  }
  return source;
}

/** A standalone data directory holding `source` replayed (the log and a snapshot at its head). */
export async function replayInto(source: SourceLog, dir: string): Promise<string> {
  const dataDir = join(dir, 'data');
  const log = new EmbeddedConfigLog({ dataDir: source.dataDir, logger: silent });
  await log.start();
  try {
    await replay({
      source: new ReplaySource({ log }),
      until: { version: source.events },
      target: new EmbeddedReplayTarget({ dataDir, logger: silent }),
    });
  } finally {
    await log.close();
  }
  return dataDir;
}
