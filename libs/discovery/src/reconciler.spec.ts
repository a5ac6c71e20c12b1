import { asText, findByUnique, listEntities, type ConfigEvent, type Entity } from '@gantry/config';
import pino from 'pino';
import type { DesiredTargets, DesiredUpstream } from './desired';
import { ReconcilerClosedError } from './errors';
import type { ReconcilerOptions } from './options';
import { Reconciler } from './reconciler';
import { FoldingWriter } from './testing/folding-writer';
import { ManualClock } from './testing/manual-clock';

const SOURCE = 'consul:dc1';
const TAG = 'discovery:consul:dc1';
const silent = pino({ level: 'silent' });

let clock: ManualClock;
let writer: FoldingWriter;
let reconciler: Reconciler;

function start(options: Partial<ReconcilerOptions> = {}): void {
  if (reconciler !== undefined) void reconciler.close();
  clock = new ManualClock();
  writer = new FoldingWriter();
  reconciler = new Reconciler({
    source: SOURCE,
    fold: writer.fold,
    writer,
    clock,
    timers: clock,
    logger: silent,
    // Only the tests about them turn grace and damping on.
    emptyGraceMs: 0,
    minChangeIntervalMs: 0,
    ...options,
  });
}

afterEach(() => reconciler.close());

type Instances = Record<string, number>;

function upstream(name: string, instances: Instances, create: boolean = true): DesiredUpstream {
  const targets = Object.entries(instances).map(([target, weight]) => ({ target, weight }));
  return create ? { name, targets, create: { algorithm: 'least-connections' } } : { name, targets };
}

function desired(upstreams: Record<string, Instances>, reason = 'consul index 1'): DesiredTargets {
  return { reason, upstreams: Object.entries(upstreams).map(([name, instances]) => upstream(name, instances)) };
}

/** The targets of an upstream in the fold: address → weight (owned or not). */
function targetsOf(name: string): Record<string, number> {
  const state = writer.fold.state;
  const up = findByUnique(state, 'upstreams', 'name', name);
  if (up === undefined) return {};
  const out: Record<string, number> = {};
  for (const t of listEntities(state, 'targets')) {
    if ((t.upstream as { id: string }).id === up.id) out[asText(t.target)] = t.weight as number;
  }
  return out;
}

function target(upstreamName: string, address: string): Entity | undefined {
  const state = writer.fold.state;
  const up = findByUnique(state, 'upstreams', 'name', upstreamName);
  return listEntities(state, 'targets').find(
    (t) => (t.upstream as { id: string }).id === up?.id && t.target === address,
  );
}

const ours = (): ConfigEvent[] => writer.eventsBy(TAG);

/** Advances time and lets the follow-up reconciliation it triggers finish. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await reconciler.idle();
}

describe('Reconciler: one changeset per reconciliation', () => {
  beforeEach(() => start());

  it('creates a missing upstream with its defaults and all its targets in one event, audited', async () => {
    const report = await reconciler.resync(desired({ orders: { '10.0.0.1:80': 100, '10.0.0.2:80': 50 } }));

    expect(report).toMatchObject({ outcome: 'written', events: 1, upstreamsCreated: 1, targetsCreated: 2 });
    expect(ours()).toHaveLength(1);
    const [event] = ours();
    expect(event).toMatchObject({ type: 'changeset', source: 'discovery', actor: TAG, reason: 'consul index 1' });
    expect(event.changes.map((c) => `${c.op} ${c.kind}`)).toEqual([
      'create upstreams',
      'create targets',
      'create targets',
    ]);
    const up = findByUnique(writer.fold.state, 'upstreams', 'name', 'orders')!;
    expect(up).toMatchObject({ algorithm: 'least-connections', slots: 10000, tags: [TAG] });
    expect(targetsOf('orders')).toEqual({ '10.0.0.1:80': 100, '10.0.0.2:80': 50 });
    expect(target('orders', '10.0.0.1:80')).toMatchObject({ tags: [TAG], weight: 100 });
  });

  it('writes a 1,000-target initial sync as one event', async () => {
    const instances: Instances = {};
    for (let i = 0; i < 1000; i++) instances[`10.1.${i >> 8}.${i & 255}:8080`] = 100;
    const report = await reconciler.resync(desired({ a: instances, b: { 'b.internal:80': 1 } }));
    expect(report).toMatchObject({ events: 1, upstreamsCreated: 2, targetsCreated: 1001 });
    expect(ours()).toHaveLength(1);
  });

  it('is idempotent: the same snapshot again writes nothing', async () => {
    const snapshot = desired({ orders: { '10.0.0.1:80': 100 } });
    await reconciler.resync(snapshot);
    const again = await reconciler.resync(snapshot);
    const delta = await reconciler.update(snapshot);
    expect(again).toMatchObject({ outcome: 'unchanged', events: 0 });
    expect(delta).toMatchObject({ outcome: 'unchanged', events: 0 });
    expect(ours()).toHaveLength(1);
  });

  it('auto-creates an upstream once, then only adds, reweighs and deletes targets', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100, 'b:80': 100, 'c:80': 100 } }));
    const report = await reconciler.update(desired({ orders: { 'a:80': 100, 'b:80': 20, 'd:80': 100 } }, 'idx 2'));

    expect(report).toMatchObject({
      outcome: 'written',
      events: 1,
      upstreamsCreated: 0,
      targetsCreated: 1,
      targetsUpdated: 1,
      targetsDeleted: 1,
    });
    expect(targetsOf('orders')).toEqual({ 'a:80': 100, 'b:80': 20, 'd:80': 100 });
    expect(writer.fold.state.entities.upstreams.size).toBe(1);
    expect(ours()).toHaveLength(2);
    expect(ours()[1]).toMatchObject({ type: 'changeset', reason: 'idx 2' });
  });

  it('keeps the id of a reweighed target and records the old one in the change', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    const before = target('orders', 'a:80')!;
    await reconciler.update(desired({ orders: { 'a:80': 0 } }));
    expect(target('orders', 'a:80')).toMatchObject({ id: before.id, weight: 0 });
    // A single change is a plain update event, as the Admin API writes it.
    expect(ours()[1]).toMatchObject({ type: 'update', kind: 'targets', key: before.id });
    expect(ours()[1].changes[0].before).toMatchObject({ weight: 100 });
  });

  it('leaves the upstreams a delta does not name as they are', async () => {
    await reconciler.resync(desired({ a: { 'a:80': 100 }, b: { 'b:80': 100 } }));
    await reconciler.update(desired({ a: { 'a2:80': 100 } }));
    expect(targetsOf('a')).toEqual({ 'a2:80': 100 });
    expect(targetsOf('b')).toEqual({ 'b:80': 100 });
  });

  it('normalises addresses as the Admin API does and folds duplicate instances', async () => {
    await reconciler.resync({
      reason: 'r',
      upstreams: [
        {
          name: 'orders',
          create: {},
          targets: [
            { target: 'svc.local', weight: 10 },
            { target: 'svc.local:8000', weight: 30, tags: ['zone-a'] },
          ],
        },
      ],
    });
    expect(targetsOf('orders')).toEqual({ 'svc.local:8000': 30 });
    expect(target('orders', 'svc.local:8000')?.tags).toEqual([TAG, 'zone-a']);
  });

  it('merges a burst of deltas that arrive during a reconciliation into the next one', async () => {
    const all = [
      reconciler.update(desired({ orders: { 'a:80': 100 } }, 'idx 1')),
      reconciler.update(desired({ orders: { 'a:80': 100, 'b:80': 100 } }, 'idx 2')),
      reconciler.update(desired({ orders: { 'a:80': 100, 'b:80': 100, 'c:80': 100 } }, 'idx 3')),
    ];
    await Promise.all(all);
    expect(ours()).toHaveLength(2);
    expect(ours()[1].reason).toBe('idx 2; idx 3');
    expect(targetsOf('orders')).toEqual({ 'a:80': 100, 'b:80': 100, 'c:80': 100 });
  });
});

describe('Reconciler: ownership', () => {
  beforeEach(() => start());

  it('never touches hand-made targets or another source’s, even on the same address', async () => {
    writer.admin({ op: 'create', kind: 'upstreams', body: { name: 'orders' } });
    const parent = { kind: 'upstreams' as const, field: 'upstream', idOrKey: 'orders' };
    const handSame = writer.admin({ op: 'create', kind: 'targets', parent, body: { target: 'a:80', weight: 7 } })!;
    const handOther = writer.admin({ op: 'create', kind: 'targets', parent, body: { target: 'h:80', weight: 5 } })!;
    const foreign = writer.admin({
      op: 'create',
      kind: 'targets',
      parent,
      body: { target: 'f:80', tags: ['discovery:consul:dc2'] },
    })!;

    const first = await reconciler.resync(desired({ orders: { 'a:80': 100, 'b:80': 100 } }));
    expect(first).toMatchObject({ targetsCreated: 1, shadowed: [{ upstream: 'orders', target: 'a:80' }] });
    await reconciler.update(desired({ orders: { 'a:80': 1, 'b:80': 2, 'h:80': 3 } }));
    await reconciler.update(desired({ orders: {} }));
    await reconciler.resync(desired({}));

    for (const made of [handSame, handOther, foreign]) {
      expect(writer.fold.state.entities.targets.get(made.id)).toBe(made);
    }
    expect(targetsOf('orders')).toEqual({ 'a:80': 7, 'h:80': 5, 'f:80': 100 });
    // The hand-made upstream is used as it is, never recreated or deleted.
    expect(findByUnique(writer.fold.state, 'upstreams', 'name', 'orders')?.tags).toBeNull();
    expect(ours().every((e) => e.changes.every((c) => c.kind === 'targets'))).toBe(true);
  });

  it('treats a target tagged with its owner tag as its own, and restores owned targets edited by hand', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    const parent = { kind: 'upstreams' as const, field: 'upstream', idOrKey: 'orders' };
    writer.admin({ op: 'update', kind: 'targets', parent, idOrKey: 'a:80', body: { weight: 1 } });
    writer.admin({ op: 'create', kind: 'targets', parent, body: { target: 'x:80', tags: [TAG] } });

    const report = await reconciler.reconcileAll();
    expect(report).toMatchObject({ targetsUpdated: 1, targetsDeleted: 1 });
    expect(targetsOf('orders')).toEqual({ 'a:80': 100 });
  });

  it('reports targets of a missing upstream without defaults, and creates nothing', async () => {
    const report = await reconciler.resync({ reason: 'r', upstreams: [upstream('orders', { 'a:80': 1 }, false)] });
    expect(report).toMatchObject({ outcome: 'unchanged', missingUpstreams: ['orders'] });
    expect(writer.events).toHaveLength(0);

    writer.admin({ op: 'create', kind: 'upstreams', body: { name: 'orders' } });
    expect(await reconciler.reconcileAll()).toMatchObject({ targetsCreated: 1, missingUpstreams: [] });
  });

  it('skips what the Admin API would refuse and applies the rest', async () => {
    const report = await reconciler.resync({
      reason: 'r',
      upstreams: [
        upstream('orders', { 'good:80': 10, 'bad host:80': 10, 'heavy:80': 70_000 }),
        { name: 'bad_upstream name', create: {}, targets: [{ target: 'x:80', weight: 1 }] },
        { name: 'weird', create: { algorithm: 'random' }, targets: [{ target: 'x:80', weight: 1 }] },
      ],
    });
    expect(report.outcome).toBe('written');
    expect(targetsOf('orders')).toEqual({ 'good:80': 10 });
    expect(report.invalid.map((i) => `${i.upstream} ${i.target ?? '-'}`).sort()).toEqual([
      'bad_upstream name -',
      'orders bad host:80',
      'orders heavy:80',
      'weird -',
    ]);
    expect(report.invalid.find((i) => i.target === 'heavy:80')?.message).toMatch(/weight/);
  });
});

describe('Reconciler: empty-payload protection', () => {
  const GRACE = 30_000;
  beforeEach(() => start({ emptyGraceMs: GRACE }));

  it('holds the removal of an upstream reported empty, then removes it when the grace period ends', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100, 'b:80': 100 } }));
    const held = await reconciler.update(desired({ orders: {} }, 'consul index 9'));
    expect(held).toMatchObject({ outcome: 'unchanged', held: ['orders'] });
    expect(reconciler.status().held).toEqual(['orders']);

    await advance(GRACE - 1);
    expect(targetsOf('orders')).toEqual({ 'a:80': 100, 'b:80': 100 });
    expect(ours()).toHaveLength(1);

    await advance(1);
    expect(targetsOf('orders')).toEqual({});
    expect(ours()).toHaveLength(2);
    expect(ours()[1].reason).toBe(
      "empty-payload grace period of 30000 ms ended for upstream 'orders' (desired state: consul index 9)",
    );
    expect(reconciler.status()).toMatchObject({ held: [], desiredUpstreams: 0 });
  });

  it('cancels the removal when instances reappear within the grace period', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100, 'b:80': 100 } }));
    await reconciler.update(desired({ orders: {} }));
    await advance(10_000);
    const back = await reconciler.update(desired({ orders: { 'a:80': 100, 'b:80': 100 } }));
    expect(back).toMatchObject({ outcome: 'unchanged', held: [] });

    await advance(GRACE);
    expect(targetsOf('orders')).toEqual({ 'a:80': 100, 'b:80': 100 });
    expect(ours()).toHaveLength(1);
  });

  it('holds a whole-snapshot collapse, and restarts the grace period after a reappearance', async () => {
    await reconciler.resync(desired({ a: { 'a:80': 100 }, b: { 'b:80': 100 } }));
    const collapse = await reconciler.resync(desired({}, 'consul returned an empty catalog'));
    expect(collapse).toMatchObject({ outcome: 'unchanged', held: ['a', 'b'] });

    await advance(20_000);
    await reconciler.resync(desired({ a: { 'a:80': 100 }, b: { 'b:80': 100 } }));
    await reconciler.resync(desired({}));
    await advance(20_000); // 40 s after the first empty report, 20 s after the second
    expect(targetsOf('a')).toEqual({ 'a:80': 100 });

    await advance(10_000);
    expect(targetsOf('a')).toEqual({});
    expect(targetsOf('b')).toEqual({});
    expect(ours()).toHaveLength(2); // both upstreams emptied in one changeset
  });

  it('holds again, for a whole grace period, an upstream emptied a second time', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    await reconciler.update(desired({ orders: {} }));
    await advance(GRACE);
    expect(targetsOf('orders')).toEqual({});
    await reconciler.update(desired({ orders: { 'b:80': 100 } }));
    await advance(GRACE * 2);
    expect(await reconciler.update(desired({ orders: {} }))).toMatchObject({ held: ['orders'] });
    await advance(GRACE - 1);
    expect(targetsOf('orders')).toEqual({ 'b:80': 100 });
  });

  it('lets a lone instance leave at once when emptyGraceMinTargets is 2', async () => {
    start({ emptyGraceMs: GRACE, emptyGraceMinTargets: 2 });
    await reconciler.resync(desired({ one: { 'a:80': 100 }, two: { 'b:80': 100, 'c:80': 100 } }));
    const report = await reconciler.resync(desired({}));
    expect(report).toMatchObject({ held: ['two'], targetsDeleted: 1 });
    expect(targetsOf('one')).toEqual({});
  });

  it('does not hold a partial removal, nor an upstream the source never populated', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100, 'b:80': 100 } }));
    expect(await reconciler.update(desired({ orders: { 'a:80': 100 } }))).toMatchObject({ targetsDeleted: 1 });
    expect(await reconciler.update(desired({ fresh: {} }))).toMatchObject({ outcome: 'unchanged', held: [] });
  });
});

describe('Reconciler: flap damping', () => {
  const INTERVAL = 1_000;
  beforeEach(() => start({ minChangeIntervalMs: INTERVAL }));

  it('applies a target that flips faster than the interval once, with the latest state when it ends', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    await advance(100);
    expect(await reconciler.update(desired({ orders: { 'a:80': 0 } }))).toMatchObject({
      outcome: 'unchanged',
      deferred: 1,
    });
    await advance(100);
    await reconciler.update(desired({ orders: { 'a:80': 30 } }));
    expect(targetsOf('orders')).toEqual({ 'a:80': 100 });
    expect(reconciler.status().nextWakeAt).toBe(clock.now() + 800);

    await advance(800);
    expect(targetsOf('orders')).toEqual({ 'a:80': 30 });
    expect(ours()).toHaveLength(2);
    expect(ours()[1].reason).toMatch(/^flap-damping interval of 1000 ms ended for upstream 'orders'/);
  });

  it('writes nothing when a target flips back before the interval ends', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    await reconciler.update(desired({ orders: {} }));
    await reconciler.update(desired({ orders: { 'a:80': 100 } }));
    await advance(INTERVAL);
    expect(ours()).toHaveLength(1);
    expect(targetsOf('orders')).toEqual({ 'a:80': 100 });
  });

  it('damps per target: other targets change at once', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    const report = await reconciler.update(desired({ orders: { 'a:80': 5, 'b:80': 100 } }));
    expect(report).toMatchObject({ targetsCreated: 1, targetsUpdated: 0, deferred: 1 });
    await advance(INTERVAL);
    expect(targetsOf('orders')).toEqual({ 'a:80': 5, 'b:80': 100 });
  });
});

describe('Reconciler: log failures', () => {
  beforeEach(() => start({ retry: { minDelayMs: 100, maxDelayMs: 1_000 } }));

  it('keeps the desired state while the log is down and writes it once it is back', async () => {
    writer.unavailable = { count: 2, landed: false };
    const failed = await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    expect(failed).toMatchObject({
      outcome: 'failed',
      events: 0,
      error: expect.stringMatching(/GANTRY_LOG_UNAVAILABLE/),
    });
    expect(reconciler.status()).toMatchObject({ phase: 'retrying', consecutiveFailures: 1 });

    // Input during the outage joins the retry.
    await reconciler.update(desired({ orders: { 'a:80': 100, 'b:80': 100 } }));
    expect(reconciler.status().consecutiveFailures).toBe(2);
    await advance(100);

    expect(targetsOf('orders')).toEqual({ 'a:80': 100, 'b:80': 100 });
    expect(reconciler.status()).toMatchObject({ phase: 'idle', consecutiveFailures: 0, lastError: null });
    expect(writer.fold.state.entities.upstreams.size).toBe(1);
  });

  it('resends an unconfirmed event with its idempotency key, so an append that landed applies once', async () => {
    writer.unavailable = { count: 1, landed: true };
    expect(await reconciler.resync(desired({ orders: { 'a:80': 100 } }))).toMatchObject({ outcome: 'failed' });
    await advance(100);
    expect(writer.events).toHaveLength(1);
    expect(writer.events[0].idempotency_key).toMatch(/^discovery:consul:dc1:/);
    expect(targetsOf('orders')).toEqual({ 'a:80': 100 });
    expect(reconciler.status().phase).toBe('idle');
  });

  it('backs off with capped delays and stops after maxAttempts, then resumes with the next input', async () => {
    start({ retry: { minDelayMs: 100, maxDelayMs: 300, maxAttempts: 4 } });
    writer.unavailable = { count: 4, landed: false };
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    await advance(100); // 2nd attempt
    await advance(200); // 3rd
    await advance(299);
    expect(reconciler.status().consecutiveFailures).toBe(3);
    await advance(1); // 4th: out of attempts
    expect(reconciler.status()).toMatchObject({ phase: 'stalled', consecutiveFailures: 4 });
    await advance(60_000);
    expect(writer.events).toHaveLength(0);

    await reconciler.update(desired({ other: { 'o:80': 1 } }));
    expect(targetsOf('orders')).toEqual({ 'a:80': 100 });
    expect(targetsOf('other')).toEqual({ 'o:80': 1 });
  });

  it('re-plans after the fold rejects its event because another writer got there first', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 100 } }));
    writer.beforeNextWrite = () =>
      writer.admin({
        op: 'create',
        kind: 'targets',
        parent: { kind: 'upstreams', field: 'upstream', idOrKey: 'orders' },
        body: { target: 'b:80', weight: 1 },
      });
    const rejected = await reconciler.update(desired({ orders: { 'a:80': 100, 'b:80': 100, 'c:80': 100 } }));
    expect(rejected).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/rejected version 3: UNIQUE violation/),
    });

    await advance(100);
    expect(targetsOf('orders')).toEqual({ 'a:80': 100, 'b:80': 1, 'c:80': 100 });
    expect(reconciler.status()).toMatchObject({ phase: 'idle', lastError: null });
  });

  it('splits a reconciliation the log refuses as too large', async () => {
    writer.maxChanges = 4;
    const instances: Instances = {};
    for (let i = 0; i < 9; i++) instances[`10.0.0.${i}:80`] = 100;
    const report = await reconciler.resync(desired({ orders: instances, small: { 's:80': 1 } }));
    expect(report.outcome).toBe('written');
    expect(report.events).toBe(ours().length);
    expect(ours().every((e) => e.changes.length <= 4)).toBe(true);
    expect(Object.keys(targetsOf('orders'))).toHaveLength(9);
    expect(targetsOf('small')).toEqual({ 's:80': 1 });
  });
});

describe('Reconciler: lifecycle and input', () => {
  beforeEach(() => start());

  it('refuses input after close and rejects nothing already answered', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 1 } }));
    await reconciler.close();
    expect(() => reconciler.update(desired({}))).toThrow(ReconcilerClosedError);
  });

  it('refuses a malformed snapshot before changing anything', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 1 } }));
    expect(() => reconciler.resync({ reason: '', upstreams: [] })).toThrow(/reason/);
    expect(() => reconciler.resync({ reason: 'r', upstreams: [upstream('x', {}), upstream('x', {})] })).toThrow(
      /twice/,
    );
    expect(reconciler.status().desiredUpstreams).toBe(1);
  });

  it('reports its state', async () => {
    await reconciler.resync(desired({ orders: { 'a:80': 1, 'b:80': 2 } }));
    expect(reconciler.status()).toMatchObject({
      source: SOURCE,
      ownerTag: TAG,
      phase: 'idle',
      desiredUpstreams: 1,
      desiredTargets: 2,
      eventsWritten: 1,
      lastVersion: 1,
      lastResyncAt: clock.now(),
      lastSyncedAt: clock.now(),
    });
  });
});
