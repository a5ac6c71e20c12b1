import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedConfigLog, type LogRecord } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import { EmbeddedSnapshotStore, HistoryMissingError, type EventHistory } from '@gantry/store';
import pino from 'pino';
import { TempDirs } from '../../../event-log/src/testing/temp-dirs';
import { createService, encode, mixedLog, uid } from '../../../replica/src/testing/events';
import { DoubledLog, readAll } from '../../../replica/src/testing/log-doubles';
import { replay } from './replay';
import { ReplaySource } from './replay-source';
import { EmbeddedReplayTarget } from './targets/embedded-target';
import { verifyReplay } from './verify';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(() => dirs.removeAll());

async function sourceLog(values: Buffer[]): Promise<{ log: DoubledLog; records: LogRecord[] }> {
  const inner = new EmbeddedConfigLog({ dataDir: await dirs.create(), logger: silent });
  await inner.start();
  closers.push(() => inner.close());
  for (const value of values) await inner.append(value);
  return { log: new DoubledLog(inner), records: await readAll(inner) };
}

/** A history like Cassandra's: it holds `records` up to `persisted` and fails on anything it lacks. */
function history(records: LogRecord[], persisted = records.length): EventHistory {
  return {
    persistedVersion: () => Promise.resolve(persisted),
    async *read(from: number, to: number) {
      await Promise.resolve();
      for (let version = from; version <= to; version++) {
        if (version > persisted || !records[version - 1]) throw new HistoryMissingError(version);
        yield records[version - 1];
      }
    },
  };
}

function foldOf(records: LogRecord[], upTo: number): ReplicaFold {
  const fold = new ReplicaFold();
  for (const record of records) if (record.version <= upTo) fold.apply(record);
  return fold;
}

const target = (dataDir: string) => new EmbeddedReplayTarget({ dataDir, logger: silent });

describe('replay into an embedded data directory', () => {
  it('reads the dropped start from the history and the rest from the log, and writes a bootable directory', async () => {
    const { log, records } = await sourceLog([1, 2, 3].flatMap((n) => mixedLog(n)));
    log.earliest = 10; // the log dropped versions 1..9
    const source = new ReplaySource({ log, history: history(records) });
    const dataDir = join(await dirs.create(), 'replayed');
    const progress: number[] = [];
    const result = await replay({
      source,
      until: { version: 20 },
      target: target(dataDir),
      onProgress: (p) => progress.push(p.done),
      progressEveryMs: 0,
    });
    expect(result).toMatchObject({ version: 20, fromHistory: 9, fromLog: 11, hash: foldOf(records, 20).hash() });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(20);

    // What standalone mode boots from: the log (original versions and timestamps) and a snapshot at its head.
    const booted = new EmbeddedConfigLog({ dataDir, logger: silent });
    await booted.start();
    expect(await readAll(booted)).toEqual(records.slice(0, 20));
    await booted.close();
    const store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
    await store.start();
    expect(await store.latest()).toMatchObject({ version: 20, hash: result.hash });
    await store.close();

    const report = await verifyReplay({ source, target: target(dataDir), result });
    expect(report).toMatchObject({ version: 20, hash: result.hash, liveSnapshotVersion: null });
  });

  it('stops before the first event written after a time', async () => {
    const t = 1_750_000_000_000;
    const { log } = await sourceLog([1, 2, 3, 4].map((n) => encode(createService(n, { timestamp: t + n * 1_000 }))));
    const result = await replay({
      source: new ReplaySource({ log }),
      until: { time: t + 2_500 },
      target: target(await dirs.create()),
    });
    expect(result.version).toBe(2);
    expect([...result.fold.state.entities.services.keys()]).toEqual([uid(1), uid(2)]);
  });

  it('refuses a non-empty directory, a version beyond the head, and a start that neither source holds', async () => {
    const { log, records } = await sourceLog(mixedLog(1));
    const full = await dirs.create();
    await writeFile(join(full, 'something'), 'x');
    const source = new ReplaySource({ log });
    await expect(replay({ source, until: { version: 3 }, target: target(full) })).rejects.toMatchObject({
      code: 'GANTRY_REPLAY_TARGET_NOT_EMPTY',
    });
    await expect(replay({ source, until: { version: 99 }, target: target(await dirs.create()) })).rejects.toThrow(
      'version 99 is beyond the head of the log (version 9)',
    );

    log.earliest = 6;
    await expect(replay({ source, until: { version: 9 }, target: target(await dirs.create()) })).rejects.toThrow(
      /the log no longer holds versions 1..5 .* no event history/,
    );
    const partial = new ReplaySource({ log, history: history(records, 3) });
    await expect(
      replay({ source: partial, until: { version: 9 }, target: target(await dirs.create()) }),
    ).rejects.toMatchObject({
      code: 'GANTRY_REPLAY_SOURCE_INCOMPLETE',
      missing: 4,
      message: expect.stringContaining('the event history lacks version 4'),
    });
  });

  it('--verify names the first entity that differs when the history was tampered with', async () => {
    const { log, records } = await sourceLog([1, 2].flatMap((n) => mixedLog(n)));
    log.earliest = 10;
    // The live cluster snapshotted version 15 before someone renamed service 1001 in the stored history.
    const liveDir = await dirs.create();
    await mkdir(liveDir, { recursive: true });
    const snapshots = new EmbeddedSnapshotStore({ dataDir: liveDir, logger: silent });
    await snapshots.start();
    closers.push(() => snapshots.close());
    await snapshots.save(foldOf(records, 15).toSnapshot());
    const tampered = [...records];
    tampered[0] = { ...records[0], value: encode(createService(1_001, {}, 'svc-tampered')) };
    const source = new ReplaySource({ log, history: history(tampered) });
    const dataDir = await dirs.create();
    const result = await replay({ source, until: { version: 18 }, target: target(dataDir) });
    await expect(verifyReplay({ source, snapshots, target: target(dataDir), result })).rejects.toMatchObject({
      code: 'GANTRY_REPLAY_VERIFY_MISMATCH',
      first: { kind: 'services', id: uid(1_001), change: 'changed' },
      message: expect.stringContaining(`services ${uid(1_001)} differs`),
    });
  });
});
