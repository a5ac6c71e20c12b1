import fc from 'fast-check';
import {
  changeset,
  createChange,
  createEvent,
  deleteChange,
  replaceEvent,
  updateChange,
  type EventMeta,
} from '../events/builders';
import type { Change, ConfigEvent } from '../events/types';
import type { Entity, EntityKind } from '../kinds';
import {
  certificate,
  consumer,
  keyauth,
  plugin,
  route,
  service,
  sni,
  target,
  uid,
  upstream,
} from '../testing/entities';
import { applyEvent, type FoldOutcome } from './apply';
import { verifyState } from './integrity';
import { restoreState, snapshotState, stateHash } from './snapshot';
import { createState, type ConfigState } from './state';

const KINDS = [
  'services',
  'routes',
  'consumers',
  'plugins',
  'upstreams',
  'targets',
  'keyauth_credentials',
  'certificates',
  'snis',
] as const satisfies readonly EntityKind[];
type Kind = (typeof KINDS)[number];

const POOL = 4;
const base = (kind: Kind): number => (KINDS.indexOf(kind) + 1) * 100;
const id = (kind: Kind, i: number): string => uid(base(kind) + (i % POOL));

interface Desc {
  op: 'create' | 'update' | 'delete';
  kind: Kind;
  i: number;
  p: number;
  q: number;
  name: string;
}

// Small pools of ids and names so that unique clashes, missing parents, cascades and restricts all happen.
function entityFor(d: Desc): Entity {
  const me = id(d.kind, d.i);
  switch (d.kind) {
    case 'services':
      return service(me, d.q % 2 === 0 ? `svc-${d.name}` : null);
    case 'routes':
      return route(me, d.q === 3 ? null : id('services', d.p), d.q % 2 === 0 ? `route-${d.name}` : null);
    case 'consumers':
      return consumer(me, `user-${d.name}`, d.q % 2 === 0 ? `cid-${d.p}` : null);
    case 'plugins': {
      const scopes = [
        {},
        { route: id('routes', d.p) },
        { service: id('services', d.p) },
        { consumer: id('consumers', d.p), service: id('services', d.p) },
      ];
      return plugin(me, `plugin-${d.name}`, scopes[d.q % scopes.length]);
    }
    case 'upstreams':
      return upstream(me, `up-${d.name}`);
    case 'targets':
      return target(me, id('upstreams', d.p), `10.0.0.${d.q}:80`);
    case 'keyauth_credentials':
      return keyauth(me, id('consumers', d.p), `key-${d.name}`);
    case 'certificates':
      return certificate(me);
    case 'snis':
      return sni(me, id('certificates', d.p), `${d.name}.example.com`);
  }
}

function changeFor(d: Desc): Change {
  if (d.op === 'delete') return deleteChange(d.kind, id(d.kind, d.i));
  const entity = entityFor(d);
  return d.op === 'create' ? createChange(d.kind, entity) : updateChange(d.kind, null, entity);
}

const descArb: fc.Arbitrary<Desc> = fc.record({
  op: fc.constantFrom<Desc['op']>('create', 'create', 'create', 'update', 'delete'),
  kind: fc.constantFrom(...KINDS),
  i: fc.nat(POOL - 1),
  p: fc.nat(POOL - 1),
  q: fc.nat(3),
  name: fc.constantFrom('a', 'b', 'c'),
});

const META: EventMeta = { actor: 'prop', source: 'admin', origin_region: 'r', timestamp: 0, id: 'e' };

const PARENTS = ['services', 'routes', 'consumers', 'upstreams', 'certificates'] as const;

// A parent with children in one changeset, so later deletes have something to cascade to or be refused by.
const bundleArb: fc.Arbitrary<Change[]> = fc
  .record({
    parent: fc.constantFrom(...PARENTS),
    i: fc.nat(POOL - 1),
    n: fc.integer({ min: 1, max: 3 }),
    name: fc.constantFrom('a', 'b', 'c'),
  })
  .map(({ parent, i, n, name }) => {
    const d = (kind: Kind, k: number, extra: Partial<Desc> = {}): Desc => ({
      op: 'create',
      kind,
      i: (i + k) % POOL,
      p: i,
      q: k,
      name,
      ...extra,
    });
    const children: Desc[] = [];
    for (let k = 0; k < n; k++) {
      if (parent === 'services') children.push(k === 0 ? d('plugins', k, { q: 2 }) : d('routes', k, { q: 1 }));
      if (parent === 'routes') children.push(d('plugins', k, { q: 1, name: ['a', 'b', 'c'][k] }));
      if (parent === 'consumers')
        children.push(k === 0 ? d('plugins', k, { q: 3 }) : d('keyauth_credentials', k, { name: ['a', 'b', 'c'][k] }));
      if (parent === 'upstreams') children.push(d('targets', k));
      if (parent === 'certificates') children.push(d('snis', k, { name: ['a', 'b', 'c'][k] }));
    }
    const head: Desc[] =
      parent === 'routes' ? [d('services', 0, { i, q: 1 }), d('routes', 0, { i, q: 1 })] : [d(parent, 0, { i, q: 1 })];
    return [...head, ...children].map(changeFor);
  });

const parentDeleteArb: fc.Arbitrary<Change[]> = fc
  .record({ kind: fc.constantFrom(...PARENTS), i: fc.nat(POOL - 1) })
  .map(({ kind, i }) => [deleteChange(kind, id(kind, i))]);

const eventArb: fc.Arbitrary<ConfigEvent> = fc
  .oneof(
    { weight: 5, arbitrary: fc.array(descArb, { minLength: 1, maxLength: 1 }).map((ds) => ds.map(changeFor)) },
    { weight: 2, arbitrary: fc.array(descArb, { minLength: 2, maxLength: 4 }).map((ds) => ds.map(changeFor)) },
    { weight: 3, arbitrary: bundleArb },
    { weight: 2, arbitrary: parentDeleteArb },
    {
      weight: 1,
      arbitrary: fc
        .array(
          descArb.map((d) => ({ ...d, op: 'create' as const })),
          { maxLength: 8 },
        )
        .map((ds) => ({ replace: ds.map(changeFor) })),
    },
  )
  .map((x) => {
    if (!Array.isArray(x)) return replaceEvent(x.replace, META);
    return x.length === 1 ? createEvent(x[0], META) : changeset(x, META);
  });

const logArb: fc.Arbitrary<ConfigEvent[]> = fc
  .array(eventArb, { minLength: 5, maxLength: 60, size: 'medium' })
  .map((events) => events.map((e, i) => ({ ...e, version: i + 1 })));

function foldAll(state: ConfigState, events: readonly ConfigEvent[]): FoldOutcome[] {
  return events.map((e) => applyEvent(state, e));
}

describe('fold properties', () => {
  it('(a) is deterministic: the same log gives the same outcomes and state hash', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        const a = createState();
        const b = createState();
        const oa = foldAll(a, log);
        const ob = foldAll(b, log);
        expect(JSON.stringify(ob)).toBe(JSON.stringify(oa));
        expect(stateHash(b)).toBe(stateHash(a));
        expect(b.version).toBe(log.length);
      }),
    );
  });

  it('(b) snapshot after k events + the rest equals folding everything', () => {
    fc.assert(
      fc.property(
        logArb.chain((log) => fc.tuple(fc.constant(log), fc.integer({ min: 0, max: log.length }))),
        ([log, k]) => {
          const whole = createState();
          const all = foldAll(whole, log);
          const prefix = createState();
          foldAll(prefix, log.slice(0, k));
          const restored = restoreState(JSON.parse(JSON.stringify(snapshotState(prefix))));
          const rest = foldAll(restored, log.slice(k));
          expect(stateHash(restored)).toBe(stateHash(whole));
          expect(restored.version).toBe(whole.version);
          expect(JSON.stringify(rest)).toBe(JSON.stringify(all.slice(k)));
        },
      ),
    );
  });

  it('(c) a rejected event leaves the state hash unchanged', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        const s = createState();
        for (const e of log) {
          const before = stateHash(s);
          const out = applyEvent(s, e);
          if (out.status === 'rejected') expect(stateHash(s)).toBe(before);
        }
      }),
    );
  });

  it('(d) cascades never leave dangling references, and indexes stay exact', () => {
    fc.assert(
      fc.property(logArb, (log) => {
        const s = createState();
        for (const e of log) {
          applyEvent(s, e);
          expect(verifyState(s)).toEqual([]);
        }
      }),
    );
  });

  it('the generator exercises applies, rejections, cascades and restricts', () => {
    const samples = fc.sample(logArb, { numRuns: 50, seed: 42 });
    const outcomes = samples.flatMap((log) => foldAll(createState(), log));
    expect(outcomes.some((o) => o.status === 'applied')).toBe(true);
    expect(outcomes.some((o) => o.status === 'applied' && o.applied.some((a) => a.cascade === true))).toBe(true);
    expect(outcomes.some((o) => o.status === 'rejected' && o.error.fields?.['@referenced_by'] !== undefined)).toBe(
      true,
    );
    expect(outcomes.some((o) => o.status === 'rejected' && o.error.code === 5)).toBe(true);
  });
});
