import {
  changeset,
  createChange,
  createEvent,
  deleteChange,
  encodeEvent,
  replaceEvent,
  updateChange,
  type Change,
  type ConfigEvent,
  type ConfigState,
  type Entity,
  type EntityKind,
} from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import fc from 'fast-check';
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
} from '../../../config/src/testing/entities';

/**
 * Random histories of admin operations for property tests. Each operation is drawn as random numbers and turned
 * into an event against the configuration as it stands (a route goes on an existing service, an update or delete
 * names an existing entity), as an admin would, so most apply. Small pools of ids and names still make unique
 * clashes, recreations under the same name with another id, renames, moves to another parent, cascades, refused
 * deletes (restrict), changesets, declarative `replace` imports, idempotent retries and undecodable records happen.
 */
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

const ID_POOL = 6;
const NAMES = ['a', 'b', 'c'] as const;
const poolId = (kind: Kind, i: number): string => uid((KINDS.indexOf(kind) + 1) * 100 + (i % ID_POOL));

interface Intent {
  readonly op: 'create' | 'update' | 'delete';
  readonly kind: Kind;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly name: (typeof NAMES)[number];
}

const intentArb: fc.Arbitrary<Intent> = fc.record({
  op: fc.constantFrom<Intent['op']>('create', 'create', 'create', 'update', 'update', 'delete'),
  kind: fc.constantFrom(...KINDS),
  a: fc.nat(11),
  b: fc.nat(11),
  c: fc.nat(3),
  name: fc.constantFrom(...NAMES),
});

type Shape =
  | { readonly type: 'single'; readonly intent: Intent }
  | { readonly type: 'changeset'; readonly intents: Intent[] }
  | { readonly type: 'replace'; readonly drop: number; readonly intents: Intent[] }
  | { readonly type: 'junk' };

const shapeArb: fc.Arbitrary<Shape> = fc.oneof(
  { weight: 10, arbitrary: intentArb.map((intent): Shape => ({ type: 'single', intent })) },
  {
    weight: 3,
    arbitrary: fc
      .array(intentArb, { minLength: 2, maxLength: 5 })
      .map((intents): Shape => ({ type: 'changeset', intents })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ drop: fc.nat(5), intents: fc.array(intentArb, { maxLength: 3 }) })
      .map(({ drop, intents }): Shape => ({ type: 'replace', drop, intents })),
  },
  { weight: 1, arbitrary: fc.constant<Shape>({ type: 'junk' }) },
);

function existing(state: ConfigState, kind: Kind): string[] {
  return [...state.entities[kind].keys()].sort();
}

/** An existing entity of `kind` picked by `n`, or a pool id (which may not exist: the event is then refused). */
function pick(state: ConfigState, kind: Kind, n: number): string {
  const ids = existing(state, kind);
  return ids.length > 0 && n !== 11 ? ids[n % ids.length] : poolId(kind, n);
}

/** The parent kind a new entity of `kind` needs under intent `d`, if any. */
function parentKind(kind: Kind, d: Intent): Kind | undefined {
  if (kind === 'routes') return d.c === 3 ? undefined : 'services';
  if (kind === 'plugins') return ([undefined, 'routes', 'services', 'consumers'] as const)[d.c];
  if (kind === 'targets') return 'upstreams';
  if (kind === 'keyauth_credentials') return 'consumers';
  if (kind === 'snis') return 'certificates';
  return undefined;
}

/**
 * What an admin would do with this intent now: an update or delete of a kind with no entity becomes a create, and
 * a create whose parent kind is empty creates the parent instead.
 */
function realize(state: ConfigState, intent: Intent): Intent {
  let d = intent;
  if (d.op !== 'create' && state.entities[d.kind].size === 0) d = { ...d, op: 'create' };
  for (let parent = parentKind(d.kind, d); d.op === 'create' && parent !== undefined; parent = parentKind(d.kind, d)) {
    if (state.entities[parent].size > 0) break;
    d = { ...d, kind: parent };
  }
  return d;
}

function entityFor(state: ConfigState, kind: Kind, me: string, d: Intent): Entity {
  switch (kind) {
    case 'services':
      return { ...service(me, d.c === 3 ? null : `svc-${d.name}`), port: 80 + d.c };
    case 'routes':
      return route(me, d.c === 3 ? null : pick(state, 'services', d.b), d.c % 2 === 0 ? `route-${d.name}` : null);
    case 'consumers':
      return consumer(me, `user-${d.name}`, d.c % 2 === 0 ? `cid-${d.b % 3}` : null);
    case 'plugins': {
      const scopes = [
        {},
        { route: pick(state, 'routes', d.b) },
        { service: pick(state, 'services', d.b) },
        { consumer: pick(state, 'consumers', d.b) },
      ];
      return { ...plugin(me, `plugin-${d.name}`, scopes[d.c]), config: { secret: `s-${d.b}` } };
    }
    case 'upstreams':
      return upstream(me, `up-${d.name}`);
    case 'targets':
      return target(me, pick(state, 'upstreams', d.b), `10.0.0.${d.c}:80`);
    case 'keyauth_credentials':
      return keyauth(me, pick(state, 'consumers', d.b), `key-${d.name}`);
    case 'certificates':
      return { ...certificate(me), key: `private-${d.c}` };
    case 'snis':
      return sni(me, pick(state, 'certificates', d.b), `${d.name}.example.com`);
  }
}

/** The change an intent makes against `state`, the configuration before the event. */
function changeFor(state: ConfigState, intent: Intent): Change {
  const d = realize(state, intent);
  if (d.op === 'create') return createChange(d.kind, entityFor(state, d.kind, poolId(d.kind, d.a), d));
  const me = pick(state, d.kind, d.a);
  if (d.op === 'delete') return deleteChange(d.kind, me, state.entities[d.kind].get(me) ?? null);
  return updateChange(d.kind, state.entities[d.kind].get(me) ?? null, entityFor(state, d.kind, me, d));
}

/** A declarative re-import: today's entities minus a few, plus a few new ones. */
function replaceChanges(state: ConfigState, drop: number, intents: readonly Intent[]): Change[] {
  const kept: Change[] = [];
  let skipped = 0;
  for (const kind of KINDS) {
    for (const entity of state.entities[kind].values()) {
      if (skipped < drop && (entity.id.charCodeAt(35) + drop) % 3 === 0) skipped++;
      else kept.push(createChange(kind, entity));
    }
  }
  const added = intents.map((d) => createChange(d.kind, entityFor(state, d.kind, poolId(d.kind, d.a), d)));
  const ids = new Set(kept.map((c) => `${c.kind}:${c.key}`));
  return [...kept, ...added.filter((c) => !ids.has(`${c.kind}:${c.key}`))];
}

export interface RandomHistory {
  /** The log's records, version 1 first. */
  readonly records: LogRecord[];
  /** Snapshot points (versions) drawn with the history. */
  readonly snapshotAt: number[];
}

const T0 = 1_700_000_000_000;

interface Item {
  readonly shape: Shape;
  readonly key: string | null;
  readonly gap: number;
}

/**
 * A random history of `minLength`..`maxLength` records (lengths spread over the whole range), with non-decreasing
 * event timestamps and random snapshot points.
 */
export function historyArb(maxLength = 40, minLength = 1): fc.Arbitrary<RandomHistory> {
  return fc
    .array(
      fc.record({
        shape: shapeArb,
        key: fc.oneof(
          { weight: 10, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.constantFrom('k1', 'k2', 'k3') },
        ),
        gap: fc.nat(3),
      }),
      { minLength, maxLength, size: 'max' },
    )
    .chain((items) =>
      fc.record({
        records: fc.constant(toRecords(items)),
        snapshotAt: fc.uniqueArray(fc.integer({ min: 1, max: items.length }), { maxLength: 5 }),
      }),
    );
}

function toRecords(items: readonly Item[]): LogRecord[] {
  const fold = new ReplicaFold();
  let time = T0;
  return items.map(({ shape, key, gap }, index) => {
    time += gap * 1_000;
    const version = index + 1;
    let record: LogRecord;
    if (shape.type === 'junk') {
      record = { version, key: null, value: Buffer.from(`{"junk": ${version}}`), timestamp: time };
    } else {
      const meta = {
        actor: 'prop',
        source: 'admin' as const,
        origin_region: 'r',
        timestamp: time,
        idempotency_key: key,
      };
      const state = fold.state;
      let event: ConfigEvent;
      if (shape.type === 'replace') {
        event = replaceEvent(replaceChanges(state, shape.drop, shape.intents), { ...meta, source: 'declarative' });
      } else if (shape.type === 'single') {
        event = createEvent(changeFor(state, shape.intent), meta);
      } else {
        event = changeset(
          shape.intents.map((d) => changeFor(state, d)),
          meta,
        );
      }
      record = { version, key: event.id, value: Buffer.from(encodeEvent({ ...event, version })), timestamp: time };
    }
    fold.apply(record);
    return record;
  });
}
