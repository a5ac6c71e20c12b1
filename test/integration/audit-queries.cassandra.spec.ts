import {
  AuditLog,
  CassandraAuditBackend,
  EmbeddedAuditBackend,
  type AuditFilter,
  type AuditQuery,
} from '@gantry/audit';
import { changeset, createChange, createEvent, updateChange, type EventMeta } from '@gantry/config';
import { KafkaConfigLog, type ConfigLog } from '@gantry/event-log';
import { Persister } from '@gantry/store';
import pino from 'pino';
import { consumer, route, service, upstream } from '../../libs/config/src/testing/entities';
import { encode, mixedLog, uid } from '../../libs/replica/src/testing/events';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { cassandraLocalDc, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(180_000);

const silent = pino({ level: 'silent' });
const shared = useSharedBackends('gantry-test-audit-queries');
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 1);
const meta = (actor: string, timestamp: number, source: EventMeta['source'] = 'admin'): EventMeta => ({
  actor,
  source,
  origin_region: 'eu',
  timestamp,
});

/**
 * A history over more than one audit bucket (1000 versions): mixed fold outcomes (cascades, rejections,
 * duplicates, an undecodable record), several actors, sources and days, renames, and one changeset of 1500
 * changes (two `audit_changes` chunks).
 */
function history(): Buffer[][] {
  const head: Buffer[] = [...mixedLog(1), ...mixedLog(2)];
  head.push(encode(createEvent(createChange('services', service(uid(9_001), 'orders-svc')), meta('alice', T0))));
  head.push(
    encode(createEvent(createChange('routes', route(uid(9_002), uid(9_001), 'orders')), meta('alice', T0 + 1))),
  );
  head.push(
    encode(
      createEvent(
        updateChange('routes', route(uid(9_002), uid(9_001), 'orders'), {
          ...route(uid(9_002), uid(9_001), 'orders-v2'),
          paths: ['/v2'],
        }),
        meta('bob', T0 + DAY),
      ),
    ),
  );
  head.push(
    encode(
      changeset(
        Array.from({ length: 1_500 }, (_, i) => createChange('consumers', consumer(uid(20_000 + i), `bulk-${i}`))),
        meta('importer', T0 + DAY + 5, 'declarative'),
      ),
    ),
  );
  // Discovery churn over several days, concurrently appended (the order among them does not matter).
  const churn = Array.from({ length: 1_050 }, (_, i) =>
    encode(
      createEvent(
        createChange('upstreams', upstream(uid(40_000 + i), `up-${i}`)),
        meta(i % 2 === 0 ? 'consul' : 'kubernetes', T0 + (2 + (i % 3)) * DAY + i, 'discovery'),
      ),
    ),
  );
  const tail: Buffer[] = [
    encode(createEvent(createChange('routes', route(uid(9_003), uid(9_001), 'orders')), meta('bob', T0 + 6 * DAY))),
    encode(createEvent(createChange('services', service(uid(9_004), 'undo')), meta('carol', T0 + 6 * DAY, 'rollback'))),
  ];
  return [head, churn, tail];
}

async function drain(query: AuditQuery, filter: AuditFilter, size: number): Promise<unknown[]> {
  const out: unknown[] = [];
  let upTo: number | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await query.list(filter, { size, upTo });
    out.push(...page.data);
    if (page.next === undefined) return out;
    upTo = page.next;
  }
  throw new Error('pagination did not end');
}

describe('audit queries over Cassandra', () => {
  let log: ConfigLog;
  let keyspace: string;
  let head = 0;
  let cassandra: AuditLog;
  let embedded: AuditLog;

  beforeAll(async () => {
    const topic = uniqueName('audit');
    shared.topics.push(topic);
    keyspace = uniqueName('audit');
    shared.keyspaces.push(keyspace);
    const kafkaLog = new KafkaConfigLog({ connection: shared.kafka, topic, logger: silent });
    await kafkaLog.start();
    log = kafkaLog;
    const [first, churn, tail] = history();
    for (const value of first) head = await log.append(value);
    for (let i = 0; i < churn.length; i += 100) {
      const versions = await Promise.all(churn.slice(i, i + 100).map((value) => log.append(value)));
      head = Math.max(head, ...versions);
    }
    for (const value of tail) head = await log.append(value);

    const persister = new Persister({
      log,
      connection: shared.cassandra,
      keyspace,
      replication: { [cassandraLocalDc()]: 1 },
      logger: silent,
    });
    await persister.start();
    const backend = new CassandraAuditBackend({ connection: shared.cassandra, keyspace, pageSize: 97 });
    await eventually(
      async () => (await backend.queryableVersion().catch(() => 0)) >= head,
      120_000,
      `version ${head} persisted`,
    );
    await persister.close();
    cassandra = new AuditLog(backend);

    const index = new EmbeddedAuditBackend({ log, logger: silent });
    embedded = new AuditLog(index);
    await index.sync(head, 60_000);
    afterAllClose.push(
      () => index.close(),
      () => log.close(),
    );
  });

  const afterAllClose: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of afterAllClose) await close();
  });

  it('persists every version, crossing audit buckets', async () => {
    expect(head).toBeGreaterThan(1_000);
    const all = (await drain(cassandra, {}, 1_000)) as { version: number }[];
    expect(all.map((e) => e.version)).toEqual(Array.from({ length: head }, (_, i) => head - i));
  });

  // [what, filter, how many events match (undefined: only checked against the embedded index)]
  const filters: [string, AuditFilter, number | undefined][] = [
    ['everything', {}, undefined],
    ['an entity by its old name', { entity: 'orders' }, 3],
    ['an entity by id', { entity: uid(9_002) }, 2],
    ['an entity by name and kind', { entity: 'orders', kind: 'services' }, 0],
    ['an actor', { actor: 'bob' }, 2],
    ['a source', { source: 'discovery' }, 1_050],
    ['a kind', { kind: 'consumers' }, undefined],
    ['actor and source', { actor: 'consul', source: 'discovery' }, 525],
    ['a day', { since: T0 + 3 * DAY, until: T0 + 4 * DAY - 1 }, 350],
    ['an actor within a time range', { actor: 'kubernetes', since: T0 + 2 * DAY, until: T0 + 3 * DAY }, undefined],
    ['a version range', { fromVersion: 990, toVersion: 1_010 }, 21],
    ['a cascade victim', { entity: uid(1_005) }, 2],
    ['rollbacks', { source: 'rollback' }, 1],
  ];

  it.each(filters)('answers %s exactly as the embedded index does, page by page', async (_, filter, count) => {
    const fromCassandra = await drain(cassandra, filter, 37);
    if (count !== undefined) expect(fromCassandra).toHaveLength(count);
    expect(fromCassandra).toEqual(await drain(embedded, filter, 37));
    expect(await drain(cassandra, filter, 1_000)).toEqual(fromCassandra);
  });

  it('finds who changed a route, when, and what it looked like before', async () => {
    const events = (await drain(cassandra, { entity: 'orders', kind: 'routes' }, 100)) as {
      version: number;
      actor: string;
    }[];
    expect(events.map((e) => e.actor)).toEqual(['bob', 'bob', 'alice']);
    const update = await cassandra.get(events[1].version);
    expect(update).toMatchObject({ actor: 'bob', type: 'update', timestamp: new Date(T0 + DAY).toISOString() });
    expect(update?.changes[0].before).toMatchObject({ name: 'orders', paths: ['/'] });
    expect(update?.changes[0].diff).toEqual(
      expect.arrayContaining([
        { path: 'name', before: 'orders', after: 'orders-v2' },
        { path: 'paths[0]', before: '/', after: '/v2' },
      ]),
    );
  });

  it('serves every event detail like the embedded index, big changesets and cascades included', async () => {
    for (let version = 1; version <= 40; version++) {
      expect(await cassandra.get(version)).toEqual(await embedded.get(version));
    }
    const bulk = (await drain(cassandra, { actor: 'importer' }, 10)) as { version: number }[];
    const detail = await cassandra.get(bulk[0].version);
    expect(detail?.changes).toHaveLength(1_500);
    expect(detail).toEqual(await embedded.get(bulk[0].version));
    const cascade = await cassandra.get(7);
    expect(cascade?.changes.filter((c) => c.cascade).length).toBeGreaterThan(0);
    expect(await cassandra.get(head + 1)).toBeUndefined();
  });
});
