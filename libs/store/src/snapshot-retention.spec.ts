import fc from 'fast-check';
import pino from 'pino';
import { TempDirs } from '../../event-log/src/testing/temp-dirs';
import { EmbeddedSnapshotStore } from './embedded/embedded-snapshot-store';
import { StoreInvalidError } from './errors';
import { isCheckpoint, prunable, resolveRetention } from './snapshot-retention';
import type { SnapshotRecord } from './snapshot-store';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

function snapshot(version: number): SnapshotRecord {
  return { version, hash: `hash-${version}`, takenAt: 1_000 + version, payload: Buffer.alloc(16, version % 256) };
}

async function openStore(options: { keep?: number; checkpointEvery?: number }): Promise<EmbeddedSnapshotStore> {
  const store = new EmbeddedSnapshotStore({
    dataDir: await dirs.create('gantry-retention-'),
    logger: silent,
    ...options,
  });
  await store.start();
  return store;
}

describe('snapshot retention', () => {
  it('a checkpoint is the first snapshot of its window of versions', () => {
    const retention = resolveRetention({ checkpointEvery: 100 });
    expect(isCheckpoint(retention, 5, null)).toBe(true);
    expect(isCheckpoint(retention, 99, 5)).toBe(false);
    expect(isCheckpoint(retention, 100, 99)).toBe(true);
    expect(isCheckpoint(retention, 350, 120)).toBe(true);
    expect(isCheckpoint(resolveRetention({ checkpointEvery: 0 }), 5, null)).toBe(false);
  });

  it('refuses a retention it cannot apply', () => {
    expect(() => resolveRetention({ keep: 0 })).toThrow(StoreInvalidError);
    expect(() => resolveRetention({ checkpointEvery: -1 })).toThrow(StoreInvalidError);
  });

  it('pruning one save at a time keeps the same set as pruning everything at once', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 2_000 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 300 }),
        (raw, keep, checkpointEvery) => {
          const retention = resolveRetention({ keep, checkpointEvery });
          const versions = [...raw].sort((a, b) => a - b);
          let kept: number[] = [];
          for (const version of versions) {
            kept.push(version);
            const stale = new Set(prunable(retention, kept));
            kept = kept.filter((v) => !stale.has(v));
          }
          const once = new Set(prunable(retention, versions));
          expect(kept).toEqual(versions.filter((v) => !once.has(v)));
          // Every window that saw a snapshot still has its first one.
          if (checkpointEvery > 0) {
            const firsts = new Map<number, number>();
            for (const v of versions)
              if (!firsts.has(Math.floor(v / checkpointEvery))) firsts.set(Math.floor(v / checkpointEvery), v);
            for (const first of firsts.values()) expect(kept).toContain(first);
          }
          expect(kept.slice(-keep)).toEqual(versions.slice(-keep));
        },
      ),
    );
  });
});

describe('EmbeddedSnapshotStore checkpoints and atOrBefore', () => {
  it('keeps the newest snapshots and one checkpoint per window', async () => {
    const store = await openStore({ keep: 2, checkpointEvery: 10 });
    for (const version of [3, 7, 12, 15, 19, 21, 24, 33]) await store.save(snapshot(version));
    const atOrBelow = async (v: number) => (await store.atOrBefore(v))?.version ?? null;
    // Kept: checkpoints 3, 12, 21, 33 and the newest two (24, 33).
    expect(await atOrBelow(2)).toBeNull();
    expect(await atOrBelow(3)).toBe(3);
    expect(await atOrBelow(11)).toBe(3);
    expect(await atOrBelow(19)).toBe(12);
    expect(await atOrBelow(23)).toBe(21);
    expect(await atOrBelow(24)).toBe(24);
    expect(await atOrBelow(1_000)).toBe(33);
    expect((await store.latest())?.version).toBe(33);
  });

  it('skips a damaged snapshot for the next older one', async () => {
    const store = await openStore({ keep: 5 });
    for (const version of [1, 2, 3]) await store.save(snapshot(version));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${store.dir}/snapshot-00000000000000000002.snap`, 'garbage');
    expect((await store.atOrBefore(2))?.version).toBe(1);
    expect(await store.atOrBefore(2)).toEqual(snapshot(1));
  });
});
