import { stateHash } from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import { EmbeddedSnapshotStore, prunable, resolveRetention } from '@gantry/store';
import fc from 'fast-check';
import pino from 'pino';
import { TempDirs } from '../../../event-log/src/testing/temp-dirs';
import { createService, deleteService, encode } from '../../../replica/src/testing/events';
import { newFold } from '../replay/new-fold';
import { MemorySnapshots } from '../testing/memory-snapshots';
import { historyArb, type RandomHistory } from '../testing/random-history';
import { eventTimeOf } from './record-source';
import { MemoryRecordSource } from './memory-record-source';
import { TimeTravel } from './time-travel';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

/** A record source that remembers which ranges were read. */
class SpyingSource extends MemoryRecordSource {
  readonly reads: [number, number][] = [];

  override read(from: number, to: number): AsyncGenerator<LogRecord> {
    this.reads.push([from, to]);
    return super.read(from, to);
  }
}

/** The content hash of fold(log[1..v]) for every v = 0..n, and the snapshots taken at the history's points. */
function reference(history: RandomHistory) {
  const fold = new ReplicaFold();
  const hashes = [stateHash(fold.state)];
  const snapshots = [];
  for (const record of history.records) {
    fold.apply(record);
    hashes.push(stateHash(fold.state));
    if (history.snapshotAt.includes(record.version)) snapshots.push(fold.toSnapshot(record.timestamp));
  }
  return { hashes, snapshots };
}

function sourceOf(records: readonly LogRecord[]): SpyingSource {
  const source = new SpyingSource();
  for (const record of records) source.push(record);
  return source;
}

describe('time travel (property)', () => {
  it('stateAt(v) equals fold(log[1..v]) for every v, from the nearest snapshot at or below v', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(), async (history) => {
        const { hashes, snapshots } = reference(history);
        const store = new MemorySnapshots();
        snapshots.forEach((s) => store.add(s));
        const records = sourceOf(history.records);
        const travel = new TimeTravel({ snapshots: store, records, logger: silent });
        for (let v = 0; v <= history.records.length; v++) {
          records.reads.length = 0;
          const past = await travel.stateAt(v);
          expect(stateHash(past.state)).toBe(hashes[v]);
          expect(past.state.version).toBe(v);
          const nearest = Math.max(0, ...history.snapshotAt.filter((s) => s <= v));
          expect(past.snapshotVersion).toBe(nearest);
          // Never a replay from zero when a snapshot exists: only the records after the snapshot are read.
          expect(records.reads).toEqual(nearest < v ? [[nearest + 1, v]] : []);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('with the embedded store pruning to checkpoints, every version still folds to the same state', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(30), fc.integer({ min: 1, max: 8 }), async (history, every) => {
        const { hashes, snapshots } = reference(history);
        const store = new EmbeddedSnapshotStore({
          dataDir: await dirs.create('gantry-time-travel-'),
          keep: 1,
          checkpointEvery: every,
          logger: silent,
        });
        await store.start();
        try {
          const saved = [...snapshots].sort((a, b) => a.version - b.version);
          for (const snapshot of saved) await store.save(snapshot);
          // What the retention keeps: the newest one and the first of each window of `every` versions.
          const stale = new Set(
            prunable(
              resolveRetention({ keep: 1, checkpointEvery: every }),
              saved.map((s) => s.version),
            ),
          );
          const kept = saved.map((s) => s.version).filter((version) => !stale.has(version));
          const travel = new TimeTravel({ snapshots: store, records: sourceOf(history.records), logger: silent });
          for (let v = 0; v <= history.records.length; v++) {
            const past = await travel.stateAt(v);
            expect(stateHash(past.state)).toBe(hashes[v]);
            expect(past.snapshotVersion).toBe(Math.max(0, ...kept.filter((k) => k <= v)));
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 25 },
    );
  });

  it('versionAt(t) is the last version whose event timestamp is at or before t', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(), fc.integer({ min: -5_000, max: 200_000 }), async (history, offset) => {
        const records = sourceOf(history.records);
        const travel = new TimeTravel({ snapshots: new MemorySnapshots(), records, logger: silent });
        const t = eventTimeOf(history.records[0]) + offset;
        const expected = history.records.filter((r) => eventTimeOf(r) <= t).length;
        expect(await travel.versionAt(t, history.records.length)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('time travel with the replicas idempotency limits', () => {
  it('folds from an empty state with those limits when no snapshot is old enough', async () => {
    // k1 is forgotten once k2 arrives (one key kept), so the retry of k1 at version 3 applies again.
    const values = [
      encode(createService(1, { idempotency_key: 'k1', timestamp: 1 })),
      encode(deleteService(1, { idempotency_key: 'k2', timestamp: 2 })),
      encode(createService(1, { idempotency_key: 'k1', timestamp: 3 })),
    ];
    const records = values.map((value, i): LogRecord => ({ version: i + 1, key: null, value, timestamp: i + 1 }));
    const limits = { maxKeys: 1 };
    const expected = newFold(limits);
    for (const record of records) expected.apply(record);
    expect(expected.state.entities.services.size).toBe(1);

    const travel = new TimeTravel({
      snapshots: new MemorySnapshots(),
      records: sourceOf(records),
      idempotency: limits,
      logger: silent,
    });
    const past = await travel.stateAt(3);
    expect(stateHash(past.state)).toBe(expected.hash());
    expect(past.snapshotVersion).toBe(0);
  });
});
