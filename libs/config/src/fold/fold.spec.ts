import { createHash } from 'node:crypto';
import { canonicalJson } from '../events/canonical-json';
import { createChange, createEvent, deleteChange, replaceEvent, updateChange } from '../events/builders';
import {
  certificate,
  consumer,
  foldChanges,
  keyauth,
  plugin,
  route,
  service,
  sni,
  target,
  uid,
  upstream,
} from '../testing/entities';
import { applyEvent, checkChanges } from './apply';
import { verifyState } from './integrity';
import { restoreState, snapshotState, stateHash } from './snapshot';
import { childrenOf, createState, findByUnique, getEntity } from './state';

describe('applyEvent', () => {
  it('applies creates, updates and deletes and reports actual before/after', () => {
    const s = createState();
    const a = service(uid(1), 'a');
    expect(foldChanges(s, createChange('services', a))).toEqual({
      status: 'applied',
      version: 1,
      applied: [{ op: 'create', kind: 'services', key: uid(1), before: null, after: a }],
    });
    const b = { ...a, name: 'b' };
    const out = foldChanges(s, updateChange('services', null, b));
    expect(out).toEqual({
      status: 'applied',
      version: 2,
      applied: [{ op: 'update', kind: 'services', key: uid(1), before: a, after: b }],
    });
    expect(findByUnique(s, 'services', 'name', 'a')).toBeUndefined();
    expect(findByUnique(s, 'services', 'name', 'b')).toBe(b);
    expect(foldChanges(s, deleteChange('services', uid(1)))).toMatchObject({
      status: 'applied',
      applied: [{ op: 'delete', before: b }],
    });
    expect(s.version).toBe(3);
    expect(verifyState(s)).toEqual([]);
  });

  it('refuses events out of order', () => {
    const s = createState();
    const e = createEvent(createChange('services', service(uid(1))), {
      actor: 'a',
      source: 'admin',
      origin_region: 'r',
    });
    e.version = 2;
    expect(() => applyEvent(s, e)).toThrow(/out of order/);
    e.version = 1;
    applyEvent(s, e);
    expect(() => applyEvent(s, e)).toThrow(/expected 2/);
  });

  it('rejects a duplicate primary key and a missing update target', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1))));
    expect(foldChanges(s, createChange('services', service(uid(1))))).toMatchObject({
      status: 'rejected',
      version: 2,
      changeIndex: 0,
      error: { code: 3, message: `primary key violation on key '{id="${uid(1)}"}'` },
    });
    expect(foldChanges(s, updateChange('services', null, service(uid(9))))).toMatchObject({
      status: 'rejected',
      error: { code: 6, name: 'not found' },
    });
    expect(s.version).toBe(3);
  });

  it('treats deleting a missing entity as an applied no-op', () => {
    const s = createState();
    expect(foldChanges(s, deleteChange('routes', uid(5)))).toEqual({ status: 'applied', version: 1, applied: [] });
  });

  it('enforces unique fields, first writer wins', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1), 'x')));
    const out = foldChanges(s, createChange('services', service(uid(2), 'x')));
    expect(out).toMatchObject({
      status: 'rejected',
      error: { code: 5, message: `UNIQUE violation detected on '{name="x"}'` },
    });
    foldChanges(s, createChange('consumers', consumer(uid(3), 'alice', 'c1')));
    expect(foldChanges(s, createChange('consumers', consumer(uid(4), 'bob', 'c1')))).toMatchObject({
      error: { message: `UNIQUE violation detected on '{custom_id="c1"}'` },
    });
    // null is not a value: many consumers may lack a custom_id
    expect(foldChanges(s, createChange('consumers', consumer(uid(5), 'carol')))).toMatchObject({ status: 'applied' });
    expect(foldChanges(s, createChange('consumers', consumer(uid(6), 'dave')))).toMatchObject({ status: 'applied' });
  });

  it('enforces one plugin of a name per scope', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1))));
    foldChanges(s, createChange('plugins', plugin(uid(10), 'cors', { service: uid(1) })));
    expect(foldChanges(s, createChange('plugins', plugin(uid(11), 'cors', { service: uid(1) })))).toMatchObject({
      status: 'rejected',
      error: {
        code: 5,
        message: `UNIQUE violation detected on '{consumer=null,name="cors",route=null,service={id="${uid(1)}"}}'`,
      },
    });
    expect(foldChanges(s, createChange('plugins', plugin(uid(12), 'cors')))).toMatchObject({ status: 'applied' });
    expect(foldChanges(s, createChange('plugins', plugin(uid(13), 'cors')))).toMatchObject({ status: 'rejected' });
  });

  it('enforces target uniqueness per upstream', () => {
    const s = createState();
    foldChanges(
      s,
      createChange('upstreams', upstream(uid(1), 'u1')),
      createChange('upstreams', upstream(uid(2), 'u2')),
    );
    foldChanges(s, createChange('targets', target(uid(3), uid(1), 'a:80')));
    expect(foldChanges(s, createChange('targets', target(uid(4), uid(2), 'a:80')))).toMatchObject({
      status: 'applied',
    });
    expect(foldChanges(s, createChange('targets', target(uid(5), uid(1), 'a:80')))).toMatchObject({
      status: 'rejected',
      error: { code: 5 },
    });
  });

  it('checks references', () => {
    const s = createState();
    expect(foldChanges(s, createChange('routes', route(uid(2), uid(1))))).toMatchObject({
      status: 'rejected',
      error: {
        code: 4,
        message: `the foreign key '{id="${uid(1)}"}' does not reference an existing 'services' entity.`,
        fields: { service: { id: uid(1) } },
      },
    });
    for (const [kind, entity] of [
      ['plugins', plugin(uid(3), 'x', { consumer: uid(9) })],
      ['targets', target(uid(4), uid(9), 'a:1')],
      ['keyauth_credentials', keyauth(uid(5), uid(9), 'k')],
      ['snis', sni(uid(6), uid(9), 'a.com')],
    ] as const) {
      expect(foldChanges(s, createChange(kind, entity))).toMatchObject({ status: 'rejected', error: { code: 4 } });
    }
  });

  it('refuses to delete a service that routes use, unless the same changeset deletes them first', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1))), createChange('routes', route(uid(2), uid(1))));
    expect(foldChanges(s, deleteChange('services', uid(1)))).toMatchObject({
      status: 'rejected',
      error: {
        code: 4,
        message: "an existing 'routes' entity references this 'services' entity",
        fields: { '@referenced_by': 'routes' },
      },
    });
    expect(foldChanges(s, deleteChange('routes', uid(2)), deleteChange('services', uid(1)))).toMatchObject({
      status: 'applied',
    });
    expect(getEntity(s, 'services', uid(1))).toBeUndefined();
  });

  it('cascades inside the fold and reports cascaded deletions first', () => {
    const s = createState();
    foldChanges(
      s,
      createChange('services', service(uid(1))),
      createChange('routes', route(uid(2), uid(1))),
      createChange('consumers', consumer(uid(3), 'alice')),
      createChange('plugins', plugin(uid(4), 'a', { route: uid(2) })),
      createChange('plugins', plugin(uid(5), 'b', { service: uid(1), consumer: uid(3) })),
      createChange('keyauth_credentials', keyauth(uid(6), uid(3), 'k')),
      createChange('upstreams', upstream(uid(7), 'u')),
      createChange('targets', target(uid(8), uid(7), 'a:1')),
      createChange('certificates', certificate(uid(9))),
      createChange('snis', sni(uid(10), uid(9), 'a.com')),
    );
    const del = foldChanges(s, deleteChange('consumers', uid(3)));
    expect(del.status === 'applied' && del.applied.map((a) => [a.kind, a.key, a.cascade ?? false])).toEqual([
      ['plugins', uid(5), true],
      ['keyauth_credentials', uid(6), true],
      ['consumers', uid(3), false],
    ]);
    const delRoute = foldChanges(s, deleteChange('routes', uid(2)));
    expect(delRoute.status === 'applied' && delRoute.applied.map((a) => a.key)).toEqual([uid(4), uid(2)]);
    const delUp = foldChanges(s, deleteChange('upstreams', uid(7)));
    expect(delUp.status === 'applied' && delUp.applied.map((a) => a.key)).toEqual([uid(8), uid(7)]);
    const delCert = foldChanges(s, deleteChange('certificates', uid(9)));
    expect(delCert.status === 'applied' && delCert.applied.map((a) => a.key)).toEqual([uid(10), uid(9)]);
    expect(findByUnique(s, 'snis', 'name', 'a.com')).toBeUndefined();
    expect(findByUnique(s, 'keyauth_credentials', 'key', 'k')).toBeUndefined();
    expect(verifyState(s)).toEqual([]);
  });

  it('applies a changeset atomically: a late failure undoes earlier changes', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1), 'keep')));
    const before = stateHash(s);
    const out = foldChanges(
      s,
      createChange('services', service(uid(2), 'new')),
      updateChange('services', null, service(uid(1), 'renamed')),
      createChange('routes', route(uid(3), uid(2))),
      createChange('routes', route(uid(4), uid(99))),
    );
    expect(out).toMatchObject({ status: 'rejected', changeIndex: 3, error: { code: 4 } });
    expect(stateHash(s)).toBe(before);
    expect(findByUnique(s, 'services', 'name', 'keep')?.id).toBe(uid(1));
    expect(findByUnique(s, 'services', 'name', 'new')).toBeUndefined();
    expect(childrenOf(s, 'routes', 'service', uid(2))).toEqual([]);
    expect(verifyState(s)).toEqual([]);
  });

  it('moves a route between services', () => {
    const s = createState();
    foldChanges(
      s,
      createChange('services', service(uid(1))),
      createChange('services', service(uid(2))),
      createChange('routes', route(uid(3), uid(1))),
    );
    foldChanges(s, updateChange('routes', null, route(uid(3), uid(2))));
    expect(childrenOf(s, 'routes', 'service', uid(1))).toEqual([]);
    expect(childrenOf(s, 'routes', 'service', uid(2))).toEqual([uid(3)]);
    expect(foldChanges(s, deleteChange('services', uid(1)))).toMatchObject({ status: 'applied' });
  });

  it('rejects malformed changes deterministically', () => {
    const s = createState();
    expect(
      foldChanges(s, { op: 'create', kind: 'services', key: uid(1), before: null, after: service(uid(2)) }),
    ).toMatchObject({
      status: 'rejected',
      error: { code: 2 },
    });
    expect(foldChanges(s, { op: 'create', kind: 'services', key: uid(1), before: null, after: null })).toMatchObject({
      status: 'rejected',
    });
  });
});

describe('replace events', () => {
  it('replace the whole state and report the difference', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1), 'old')), createChange('services', service(uid(2), 'same')));
    const e = replaceEvent(
      [
        createChange('routes', route(uid(3), uid(4))),
        createChange('services', service(uid(4), 'new')),
        createChange('services', service(uid(2), 'same')),
      ],
      { actor: 'a', source: 'declarative', origin_region: 'r' },
    );
    e.version = 2;
    const out = applyEvent(s, e);
    expect(out.status === 'applied' && out.applied.map((a) => [a.op, a.key])).toEqual([
      ['delete', uid(1)],
      ['create', uid(4)],
      ['create', uid(3)],
    ]);
    expect(getEntity(s, 'services', uid(1))).toBeUndefined();
    expect(verifyState(s)).toEqual([]);
  });

  it('validate references among the new entities and leave the state alone on failure', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1), 'old')));
    const hash = stateHash(s);
    const e = replaceEvent([createChange('services', service(uid(4))), createChange('routes', route(uid(3), uid(1)))], {
      actor: 'a',
      source: 'declarative',
      origin_region: 'r',
    });
    e.version = 2;
    expect(applyEvent(s, e)).toMatchObject({ status: 'rejected', changeIndex: 1, error: { code: 4 } });
    expect(stateHash(s)).toBe(hash);
    expect(s.version).toBe(2);
  });
});

describe('checkChanges', () => {
  it('is a dry run', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1), 'a')));
    const hash = stateHash(s);
    expect(checkChanges(s, [createChange('services', service(uid(2), 'b'))])).toMatchObject({ ok: true });
    expect(checkChanges(s, [createChange('services', service(uid(2), 'a'))])).toMatchObject({
      ok: false,
      error: { code: 5 },
    });
    expect(stateHash(s)).toBe(hash);
    expect(s.entities.services.size).toBe(1);
  });
});

describe('snapshots', () => {
  it('round-trip with indexes, deterministically', () => {
    const s = createState();
    foldChanges(
      s,
      createChange('services', service(uid(2), 'b')),
      createChange('services', service(uid(1), 'a')),
      createChange('routes', route(uid(3), uid(1))),
    );
    const snap = snapshotState(s);
    expect(snap.entities.services.map((e) => e.id)).toEqual([uid(1), uid(2)]);
    const copy = restoreState(JSON.parse(JSON.stringify(snap)));
    expect(copy.version).toBe(s.version);
    expect(stateHash(copy)).toBe(stateHash(s));
    expect(findByUnique(copy, 'services', 'name', 'a')?.id).toBe(uid(1));
    expect(foldChanges(copy, deleteChange('services', uid(1)))).toMatchObject({ status: 'rejected' });
    expect(verifyState(copy)).toEqual([]);
  });

  it('hash the canonical JSON of the entities', () => {
    const s = createState();
    foldChanges(s, createChange('services', service(uid(1), 'a')));
    expect(stateHash(s)).toBe(
      createHash('sha256')
        .update(canonicalJson(snapshotState(s).entities))
        .digest('hex'),
    );
  });

  it('refuse malformed snapshots', () => {
    expect(() => restoreState({ schema_version: 2 })).toThrow(/schema_version/);
    expect(() => restoreState({ schema_version: 1, version: 1, entities: { apis: [] } })).toThrow(
      /unknown entity kind/,
    );
    expect(() =>
      restoreState({ schema_version: 1, version: 1, entities: { routes: [route(uid(1), uid(2))] } }),
    ).toThrow(/does not reference/);
  });
});
