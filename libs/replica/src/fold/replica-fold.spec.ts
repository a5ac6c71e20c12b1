import { applyEvent, createState, stateHash } from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import fc from 'fast-check';
import { createRoute, createService, deleteService, encode } from '../testing/events';
import { IdempotencyWindow } from './idempotency-window';
import { ReplicaFold } from './replica-fold';

let clock = 0;
const record = (version: number, value: Buffer): LogRecord => ({ version, key: null, value, timestamp: ++clock });

describe('ReplicaFold', () => {
  it('folds events with the version the log gave them', () => {
    const fold = new ReplicaFold();
    const outcome = fold.apply(record(1, encode(createService(1))));
    expect(outcome).toMatchObject({ status: 'applied', version: 1, event: { version: 1 } });
    expect(fold.state.entities.services.size).toBe(1);
  });

  it("returns the fold's outcome plus the event, keys in the fold's order (snapshots serialise them)", () => {
    const fold = new ReplicaFold();
    const reference = createState();
    const events = [createService(1), createService(2, {}, 'svc-1')];
    events.forEach((event, i) => {
      const outcome = fold.apply(record(i + 1, encode(event)));
      const expected = { ...applyEvent(reference, { ...event, version: i + 1 }), event: { ...event, version: i + 1 } };
      expect(outcome).toEqual(expected);
      expect(Object.keys(outcome)).toEqual(Object.keys(expected));
    });
    expect(fold.apply(record(3, Buffer.from('{}'))).status).toBe('rejected');
    expect(stateHash(fold.state)).toBe(stateHash(reference));
  });

  it('folds a repeated idempotency key as a duplicate: state unchanged, version advanced, first outcome kept', () => {
    const fold = new ReplicaFold();
    const first = fold.apply(record(1, encode(createService(1, { idempotency_key: 'k1' }))));
    const hash = fold.hash();
    const again = fold.apply(record(2, encode(createService(2, { idempotency_key: 'k1' }))));
    expect(again).toMatchObject({ status: 'duplicate', version: 2, first: { status: 'applied', version: 1 } });
    expect(again.status === 'duplicate' && again.first).toBe(first);
    expect(fold.version).toBe(2);
    expect(fold.hash()).toBe(hash);
    expect(fold.state.entities.services.size).toBe(1);
  });

  it('remembers rejected first outcomes too', () => {
    const fold = new ReplicaFold();
    fold.apply(record(1, encode(createService(1))));
    fold.apply(record(2, encode(createService(2, { idempotency_key: 'k' }, 'svc-1'))));
    expect(fold.apply(record(3, encode(createService(3, { idempotency_key: 'k' }))))).toMatchObject({
      status: 'duplicate',
      first: { status: 'rejected', error: { code: 5 } },
    });
  });

  it('folds an undecodable record as a rejected no-op, identically everywhere', () => {
    const fold = new ReplicaFold();
    const outcome = fold.apply(record(1, Buffer.from('not json')));
    expect(outcome).toMatchObject({
      status: 'rejected',
      version: 1,
      changeIndex: -1,
      error: { code: 2, message: expect.stringMatching(/undecodable config event at version 1/) },
      event: { id: 'undecodable-1', changes: [] },
    });
    expect(fold.apply(record(2, encode(createService(1)))).status).toBe('applied');
  });

  it('stops before an event of a newer schema instead of guessing', () => {
    const fold = new ReplicaFold();
    const newer = { ...createService(1), schema_version: 2 };
    let thrown: unknown;
    try {
      fold.apply(record(1, Buffer.from(JSON.stringify(newer))));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'GANTRY_REPLICA_UNSUPPORTED_EVENT', version: 1 });
    expect(fold.version).toBe(0);
  });

  it('refuses records out of order', () => {
    expect(() => new ReplicaFold().apply(record(2, encode(createService(1))))).toThrow(/out of order/);
  });

  it('forgets idempotency keys by count and by event time, never by wall clock', () => {
    const fold = new ReplicaFold(undefined, new IdempotencyWindow({ maxKeys: 2, maxAgeMs: 1_000 }));
    fold.apply(record(1, encode(createService(1, { idempotency_key: 'a', timestamp: 10_000 }))));
    fold.apply(record(2, encode(createService(2, { idempotency_key: 'b', timestamp: 10_100 }))));
    fold.apply(record(3, encode(createService(3, { idempotency_key: 'c', timestamp: 10_200 }))));
    expect(fold.idempotency.get('a')).toBeUndefined(); // count
    expect(fold.idempotency.get('b')).toBeDefined();
    fold.apply(record(4, encode(createService(4, { timestamp: 11_150 }))));
    expect(fold.idempotency.get('b')).toBeUndefined(); // age: 11150 - 1000 > 10100
    expect(fold.idempotency.get('c')).toBeDefined();
    // A key that fell out of the window applies again (here: rejected, the service exists).
    expect(fold.apply(record(5, encode(createService(2, { idempotency_key: 'b', timestamp: 11_200 })))).status).toBe(
      'rejected',
    );
  });

  it('serialises the idempotency window in fold order, each entry as key, timestamp, first', () => {
    const fold = new ReplicaFold(undefined, new IdempotencyWindow({ maxAgeMs: 1_000 }));
    const first = fold.apply(record(1, encode(createService(1, { idempotency_key: 'b', timestamp: 2_000 }))));
    fold.apply(record(2, encode(createService(2, { idempotency_key: 'a', timestamp: 1_500 }))));
    const json = fold.idempotency.toJSON();
    expect(json.entries.map((e) => Object.keys(e))).toEqual([
      ['key', 'timestamp', 'first'],
      ['key', 'timestamp', 'first'],
    ]);
    expect(json).toMatchObject({
      max_timestamp: 2_000,
      entries: [{ key: 'b', timestamp: 2_000, first }, { key: 'a' }],
    });
    // 'a' is older than 'b' but behind it: eviction only ever takes the front, so both stay until 'b' expires.
    fold.apply(record(3, encode(createService(3, { timestamp: 2_600 }))));
    expect(fold.idempotency.size).toBe(2);
    fold.apply(record(4, encode(createService(4, { timestamp: 3_001 }))));
    expect(fold.idempotency.size).toBe(0);
  });

  it('restores state and idempotency window from its snapshot', () => {
    const fold = new ReplicaFold();
    fold.apply(record(1, encode(createService(1, { idempotency_key: 'k' }))));
    fold.apply(record(2, encode(createRoute(2, 1))));
    const snapshot = fold.toSnapshot(42);
    expect(snapshot).toMatchObject({ version: 2, hash: stateHash(fold.state), takenAt: 42 });
    const restored = ReplicaFold.fromSnapshot(snapshot);
    expect(restored.hash()).toBe(fold.hash());
    expect(restored.apply(record(3, encode(createService(9, { idempotency_key: 'k' })))).status).toBe('duplicate');
    expect(() => ReplicaFold.fromSnapshot({ ...snapshot, version: 3 })).toThrow(/payload holds version 2/);
  });

  it('booting from a snapshot at any version and folding the rest equals folding everything', () => {
    const step = fc.oneof(
      fc.record({
        op: fc.constant('service' as const),
        n: fc.integer({ min: 1, max: 6 }),
        key: fc.option(fc.constantFrom('a', 'b', 'c')),
      }),
      fc.record({
        op: fc.constant('route' as const),
        n: fc.integer({ min: 1, max: 6 }),
        key: fc.option(fc.constantFrom('a', 'd')),
      }),
      fc.record({ op: fc.constant('delete' as const), n: fc.integer({ min: 1, max: 6 }), key: fc.constant(null) }),
      fc.record({ op: fc.constant('garbage' as const), n: fc.constant(0), key: fc.constant(null) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.nat(), (steps, cutSeed) => {
        const records = steps.map((s, i) => {
          const meta = { idempotency_key: s.key, timestamp: 1_000 * i };
          const value =
            s.op === 'service'
              ? encode(createService(s.n, meta))
              : s.op === 'route'
                ? encode(createRoute(100 + i, s.n, meta))
                : s.op === 'delete'
                  ? encode(deleteService(s.n, meta))
                  : Buffer.from('{oops');
          return record(i + 1, value);
        });
        const full = new ReplicaFold(undefined, new IdempotencyWindow({ maxKeys: 2, maxAgeMs: 5_000 }));
        const fullOutcomes = records.map((r) => full.apply(r).status);
        const cut = cutSeed % (records.length + 1);
        const head = new ReplicaFold(undefined, new IdempotencyWindow({ maxKeys: 2, maxAgeMs: 5_000 }));
        records.slice(0, cut).forEach((r) => head.apply(r));
        const booted = ReplicaFold.fromSnapshot(head.toSnapshot(), { maxKeys: 2, maxAgeMs: 5_000 });
        const tailOutcomes = records.slice(cut).map((r) => booted.apply(r).status);
        expect(booted.hash()).toBe(full.hash());
        expect(booted.version).toBe(full.version);
        expect(tailOutcomes).toEqual(fullOutcomes.slice(cut));
      }),
      { numRuns: 200 },
    );
  });
});
