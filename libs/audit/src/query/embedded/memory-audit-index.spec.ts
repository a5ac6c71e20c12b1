import {
  createChange,
  createEvent,
  deleteChange,
  updateChange,
  type ConfigEvent,
  type EntityKind,
  type EventMeta,
} from '@gantry/config';
import { auditIndexKeys, entityAliases, type AuditDimension, type AuditEntry } from '@gantry/store';
import { consumer, route, service, uid } from '../../../../config/src/testing/entities';
import { auditHistory } from '../testing/audit-history';
import type { MemoryAuditIndex } from './memory-audit-index';

const meta: EventMeta = { actor: 'alice', source: 'admin', origin_region: 'eu', timestamp: 0 };

/** What the index must answer, worked out from every entry the straightforward way. */
function reference(entries: readonly AuditEntry[]): {
  aliases: Map<string, Set<string>>;
  versions: Map<string, number[]>;
} {
  const aliases = new Map<string, Set<string>>();
  const versions = new Map<string, number[]>();
  for (const entry of entries) {
    for (const [alias, kind, id] of entityAliases(entry)) {
      if (!aliases.has(alias)) aliases.set(alias, new Set());
      aliases.get(alias)!.add(`${kind}/${id}`);
    }
    for (const [dimension, value] of auditIndexKeys(entry)) {
      const key = `${dimension} ${value}`;
      if (!versions.has(key)) versions.set(key, []);
      versions.get(key)!.push(entry.version);
    }
  }
  return { aliases, versions };
}

function expectSameAnswers(index: MemoryAuditIndex): void {
  const entries = Array.from({ length: index.version }, (_, i) => index.entry(i + 1)!);
  const expected = reference(entries);
  for (const [alias, targets] of expected.aliases) {
    const found = index.aliases(alias).map((t) => `${t.kind}/${t.id}`);
    expect(new Set(found)).toEqual(targets);
    expect(found).toHaveLength(targets.size); // no target twice
  }
  for (const [key, list] of expected.versions) {
    const [dimension, value] = key.split(' ') as [AuditDimension, string];
    expect([...index.indexed(dimension, value, 1, index.version)]).toEqual([...list].reverse());
    const mid = list[Math.floor(list.length / 2)];
    expect([...index.indexed(dimension, value, mid, mid)]).toEqual([mid]);
  }
}

describe('MemoryAuditIndex', () => {
  const svc = service(uid(1), 'orders');
  const svcRenamed = { ...svc, name: 'billing' };
  const orders = route(uid(2), uid(1), 'orders'); // a route named like the service
  const alice = consumer(uid(3), 'alice');
  // An entity whose name is another entity's id: both answer to it.
  const odd = consumer(uid(4), uid(1));
  const events: ConfigEvent[] = [
    createEvent(createChange('services', svc), meta),
    createEvent(createChange('routes', orders), meta),
    createEvent(updateChange('services', svc, svcRenamed), meta),
    createEvent(createChange('consumers', alice), meta),
    createEvent(updateChange('services', svcRenamed, svc), meta), // renamed back
    createEvent(createChange('consumers', odd), meta),
    createEvent(deleteChange('routes', orders.id, orders), meta),
    createEvent(deleteChange('consumers', alice.id, alice), meta),
  ];
  const { index } = auditHistory(events);

  it('finds entities by id and by every name they had', () => {
    const targets = (alias: string): string[] =>
      index
        .aliases(alias)
        .map((t) => `${t.kind}/${t.id}`)
        .sort();
    expect(targets('orders')).toEqual([`routes/${uid(2)}`, `services/${uid(1)}`]);
    expect(targets('billing')).toEqual([`services/${uid(1)}`]);
    expect(targets(uid(1))).toEqual([`consumers/${uid(4)}`, `services/${uid(1)}`]);
    expect(targets(uid(3))).toEqual([`consumers/${uid(3)}`]);
    expect(targets('alice')).toEqual([`consumers/${uid(3)}`]);
    expect(targets('nobody')).toEqual([]);
  });

  it('lists the versions of an index key newest first, whether it has one or many', () => {
    expect([...index.indexed('entity', `services/${uid(1)}`, 1, 8)]).toEqual([5, 3, 1]);
    expect([...index.indexed('entity', `consumers/${uid(4)}`, 1, 8)]).toEqual([6]);
    expect([...index.indexed('entity', `consumers/${uid(4)}`, 7, 8)]).toEqual([]);
    expect([...index.indexed('kind' satisfies AuditDimension, 'routes' satisfies EntityKind, 1, 8)]).toEqual([7, 2]);
    expect([...index.indexed('actor', 'nobody', 1, 8)]).toEqual([]);
  });

  it('answers as the entries themselves say, for a long history of many entities', () => {
    expectSameAnswers(index);
    const many: ConfigEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const s = service(uid(1000 + i), `svc-${i % 50}-${Math.floor(i / 50)}`);
      many.push(createEvent(createChange('services', s), meta));
      if (i % 3 === 0) many.push(createEvent(updateChange('services', s, { ...s, name: `renamed-${i % 7}` }), meta));
      if (i % 5 === 0) many.push(createEvent(deleteChange('services', s.id, s), meta));
    }
    expectSameAnswers(auditHistory(many).index);
  });
});
