import { readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { TempDirs } from '../../../event-log/src/testing/temp-dirs';
import type { SnapshotRecord } from '../snapshot-store';
import { EmbeddedSnapshotStore } from './embedded-snapshot-store';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

function snapshot(version: number, size = 64): SnapshotRecord {
  return { version, hash: `hash-${version}`, takenAt: 1_000 + version, payload: Buffer.alloc(size, version % 256) };
}

async function openStore(dataDir?: string, keep?: number): Promise<EmbeddedSnapshotStore> {
  const store = new EmbeddedSnapshotStore({
    dataDir: dataDir ?? (await dirs.create('gantry-snapshots-')),
    keep,
    logger: silent,
  });
  await store.start();
  return store;
}

describe('EmbeddedSnapshotStore', () => {
  it('answers null before any snapshot, then the newest one saved', async () => {
    const store = await openStore();
    expect(await store.latest()).toBeNull();
    await store.save(snapshot(5));
    await store.save(snapshot(9, 100_000));
    expect(await store.latest()).toEqual(snapshot(9, 100_000));
    expect(store.health()).toMatchObject({ up: true, backend: 'embedded', lastError: null });
  });

  it('keeps only the newest `keep` snapshots (and checkpoints)', async () => {
    const store = await openStore(undefined, 2);
    for (const version of [1, 2, 3, 4]) await store.save(snapshot(version));
    expect(await readdir(store.dir)).toEqual([
      'snapshot-00000000000000000001.snap', // the checkpoint of versions 0..4999
      'snapshot-00000000000000000003.snap',
      'snapshot-00000000000000000004.snap',
    ]);
  });

  it('skips a torn or damaged newest snapshot in favour of the previous one', async () => {
    const store = await openStore();
    await store.save(snapshot(1));
    await store.save(snapshot(2));
    await store.save(snapshot(3));
    await truncate(join(store.dir, 'snapshot-00000000000000000003.snap'), 40);
    expect((await store.latest())?.version).toBe(2);
    const second = join(store.dir, 'snapshot-00000000000000000002.snap');
    await writeFile(second, Buffer.from('garbage'));
    expect((await store.latest())?.version).toBe(1);
  });

  it('saving the same version twice is harmless', async () => {
    const store = await openStore();
    await store.save(snapshot(4));
    await store.save(snapshot(4));
    expect(await store.latest()).toEqual(snapshot(4));
  });

  it('survives a reopen and removes temporary files a crash left behind', async () => {
    const dataDir = await dirs.create('gantry-snapshots-');
    const first = await openStore(dataDir);
    await first.save(snapshot(8));
    await first.close();
    await writeFile(join(dataDir, 'snapshots', 'snapshot-00000000000000000009.snap.tmp-abcdef'), 'half');
    const second = await openStore(dataDir);
    expect(await readdir(second.dir)).toEqual(['snapshot-00000000000000000008.snap']);
    expect(await second.latest()).toEqual(snapshot(8));
  });

  it('refuses work before start and after close with a coded error', async () => {
    const store = new EmbeddedSnapshotStore({ dataDir: await dirs.create('gantry-snapshots-'), logger: silent });
    await expect(store.latest()).rejects.toMatchObject({ code: 'GANTRY_STORE_CLOSED' });
    await store.start();
    await store.close();
    await expect(store.save(snapshot(1))).rejects.toMatchObject({ code: 'GANTRY_STORE_CLOSED' });
  });
});
