import { changeset, createChange, encodeEvent, updateChange } from '@gantry/config';
import { ReplicaFold } from '@gantry/replica';
import { consumer, keyauth, route, uid } from '../../../config/src/testing/entities';
import { auditEntry, auditIndexKeys, entityAliases } from './audit-entry';

const meta = { actor: 'alice', source: 'admin' as const, origin_region: 'eu', timestamp: 5 };

function entryOf(events: Parameters<typeof encodeEvent>[0][]) {
  const fold = new ReplicaFold();
  return events.map((event, i) => {
    const record = { version: i + 1, key: null, value: Buffer.from(encodeEvent(event)), timestamp: 0 };
    return auditEntry(record, fold.apply(record));
  });
}

describe('auditEntry', () => {
  const r = route(uid(1), null, 'orders');
  const [created, renamed] = entryOf([
    changeset(
      [
        createChange('routes', r),
        createChange('consumers', consumer(uid(2), 'ann', 'crm-7')),
        createChange('keyauth_credentials', keyauth(uid(3), uid(2), 'secret-key')),
      ],
      meta,
    ),
    changeset([updateChange('routes', r, { ...r, name: 'orders-v2' })], meta),
  ]);

  it('summarises the event and keeps what the fold did', () => {
    expect(created).toMatchObject({ version: 1, actor: 'alice', status: 'applied', changeCount: 3 });
    expect(created.kinds).toEqual(['routes', 'consumers', 'keyauth_credentials']);
    expect(renamed.changes[0].before).toMatchObject({ name: 'orders' });
  });

  it('indexes actor, source, kinds and entities once each', () => {
    expect(auditIndexKeys(created)).toEqual([
      ['actor', 'alice'],
      ['source', 'admin'],
      ['kind', 'routes'],
      ['kind', 'consumers'],
      ['kind', 'keyauth_credentials'],
      ['entity', `routes/${uid(1)}`],
      ['entity', `consumers/${uid(2)}`],
      ['entity', `keyauth_credentials/${uid(3)}`],
    ]);
  });

  it('finds entities by id and every name they had, never by a secret', () => {
    const aliases = entityAliases(created).map(([alias]) => alias);
    expect(aliases).toEqual(expect.arrayContaining([uid(1), 'orders', 'ann', 'crm-7', uid(3)]));
    expect(aliases).not.toContain('secret-key');
    expect(entityAliases(renamed).map(([alias]) => alias)).toEqual([uid(1), 'orders', 'orders-v2']);
  });
});
