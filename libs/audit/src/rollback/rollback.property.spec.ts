import { changeset, diffStates, encodeEvent, stateHash, type Change, type ConfigState } from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import fc from 'fast-check';
import pino from 'pino';
import { MemoryRecordSource } from '../time-travel/memory-record-source';
import { TimeTravel } from '../time-travel/time-travel';
import { MemorySnapshots } from '../testing/memory-snapshots';
import { historyArb } from '../testing/random-history';
import { planRollback } from './plan-rollback';

const silent = pino({ level: 'silent' });

/** Appends `changes` as one rollback changeset to the log and the fold; returns the fold's status. */
function appendRollback(source: MemoryRecordSource, fold: ReplicaFold, changes: Change[], to: number): string {
  const version = fold.version + 1;
  const event = changeset(changes, {
    actor: 'prop',
    source: 'rollback',
    origin_region: 'r',
    reason: `rollback to version ${to}`,
    timestamp: 1_800_000_000_000 + version,
  });
  const record: LogRecord = {
    version,
    key: event.id,
    value: Buffer.from(encodeEvent({ ...event, version })),
    timestamp: 1_800_000_000_000 + version,
  };
  source.push(record);
  return fold.apply(record).status;
}

function sameEntities(a: ConfigState, b: ConfigState): boolean {
  return diffStates(a, b).length === 0 && stateHash(a) === stateHash(b);
}

describe('rollback (property)', () => {
  it('rolling back to v gives the state at v in one changeset; rolling that back gives the start again', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(), fc.nat(), async (history, pick) => {
        const source = new MemoryRecordSource();
        const fold = new ReplicaFold();
        const snapshots = new MemorySnapshots();
        for (const record of history.records) {
          source.push(record);
          fold.apply(record);
          if (history.snapshotAt.includes(record.version)) snapshots.add(fold.toSnapshot());
        }
        const travel = new TimeTravel({ snapshots, records: source, logger: silent });
        const start = fold.version;
        const to = pick % (start + 1);
        const target = (await travel.stateAt(to)).state;

        const plan = planRollback(fold.state, target, to);
        expect(plan.diff.added.length + plan.diff.removed.length + plan.diff.changed.length).toBe(
          diffStates(fold.state, target).length,
        );
        if (plan.changes.length > 0) expect(appendRollback(source, fold, plan.changes, to)).toBe('applied');
        expect(sameEntities(fold.state, target)).toBe(true);

        // The rollback is itself history: rolling it back returns to the start.
        const back = (await travel.stateAt(start)).state;
        const undo = planRollback(fold.state, back, start);
        if (undo.changes.length > 0) expect(appendRollback(source, fold, undo.changes, start)).toBe('applied');
        expect(sameEntities(fold.state, back)).toBe(true);
        // And time travel still agrees with a fold of the whole log, rollbacks included.
        expect(stateHash((await travel.stateAt(fold.version)).state)).toBe(stateHash(fold.state));
      }),
      { numRuns: 300 },
    );
  });
});
