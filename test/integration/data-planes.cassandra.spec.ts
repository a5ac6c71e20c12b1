import {
  CassandraDataPlaneRegistry,
  ensureStoreSchema,
  type CassandraDataPlaneRegistryOptions,
  type DataPlaneReportInput,
} from '@gantry/store';
import pino from 'pino';
import { cassandraLocalDc, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(60_000);

const silent = pino({ level: 'silent' });
const backends = useSharedBackends('data-planes-test');

/** A registry in a fresh keyspace, so each test sees only its own rows. */
async function newRegistry(options: Partial<CassandraDataPlaneRegistryOptions> = {}) {
  const keyspace = uniqueName('data_planes');
  backends.keyspaces.push(keyspace);
  await ensureStoreSchema(backends.cassandra, { keyspace, replication: { [cassandraLocalDc()]: 1 } });
  const registry = new CassandraDataPlaneRegistry({
    connection: backends.cassandra,
    keyspace,
    logger: silent,
    ...options,
  });
  return { registry, keyspace };
}

function report(id: string, overrides: Partial<DataPlaneReportInput> = {}): DataPlaneReportInput {
  return {
    id,
    hostname: `host-${id}`,
    ip: '10.0.0.1',
    version: '0.1.0',
    config_version: 12,
    config_hash: 'f00d',
    lag: 0,
    status: 'ready',
    upstream_health: {
      u1: {
        healthy: true,
        targets: {
          t1: {
            target: '10.1.0.1:80',
            health: 'HEALTHY',
            addresses: [{ ip: '10.1.0.1', port: 80, health: 'HEALTHY' }],
          },
        },
      },
    },
    ...overrides,
  };
}

describe('CassandraDataPlaneRegistry', () => {
  it('upserts reports, stamps last_seen and lists them sorted by id', async () => {
    let clock = 1_700_000_000_000;
    const { registry } = await newRegistry({ now: () => clock });
    await registry.report(report('dp-b'));
    await registry.report(report('dp-a', { status: 'catching_up', lag: 4, config_version: 8 }));
    clock += 3_000;
    await registry.report(report('dp-b', { status: 'degraded', config_version: 13 }));
    const listed = await registry.list();
    expect(listed).toEqual([
      { ...report('dp-a', { status: 'catching_up', lag: 4, config_version: 8 }), last_seen: 1_700_000_000 },
      { ...report('dp-b', { status: 'degraded', config_version: 13 }), last_seen: 1_700_000_003 },
    ]);
  });

  it('writes every row with the TTL', async () => {
    const { registry, keyspace } = await newRegistry({ ttlSeconds: 600 });
    await registry.report(report('dp-a'));
    const row = (
      await backends.cassandra.execute(
        `SELECT TTL(report) AS report_ttl, TTL(upstream_health) AS health_ttl FROM ${keyspace}.data_planes ` +
          `WHERE cluster = ? AND id = ?`,
        ['default', 'dp-a'],
      )
    ).first();
    for (const column of ['report_ttl', 'health_ttl']) {
      const ttl = row.get(column) as number;
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
    }
  });

  it('skips rewriting an unchanged health map, and still lists it', async () => {
    let clock = 1_700_000_000_000;
    const { registry, keyspace } = await newRegistry({ now: () => clock, healthRefreshMs: 60_000 });
    const healthWrittenAt = async (): Promise<number> => {
      const result = await backends.cassandra.execute(
        `SELECT WRITETIME(upstream_health) AS at FROM ${keyspace}.data_planes WHERE cluster = ? AND id = ?`,
        ['default', 'dp-a'],
      );
      return Number(result.first().get('at'));
    };
    await registry.report(report('dp-a'));
    const first = await healthWrittenAt();
    clock += 2_000;
    await registry.report(report('dp-a', { config_version: 13 }));
    expect(await healthWrittenAt()).toBe(first);
    expect((await registry.list())[0]).toMatchObject({
      config_version: 13,
      upstream_health: report('x').upstream_health,
    });
    clock += 2_000;
    const changed = { u1: { healthy: false, targets: {} } };
    await registry.report(report('dp-a', { upstream_health: changed }));
    expect(await healthWrittenAt()).toBeGreaterThan(first);
    expect((await registry.list())[0].upstream_health).toEqual(changed);
  });

  it('removes a replica, and keeps clusters apart', async () => {
    const { registry, keyspace } = await newRegistry();
    const other = new CassandraDataPlaneRegistry({
      connection: backends.cassandra,
      keyspace,
      cluster: 'other',
      logger: silent,
    });
    await registry.report(report('dp-a'));
    await registry.report(report('dp-b'));
    await other.report(report('dp-z'));
    await registry.remove('dp-a');
    await registry.remove('dp-unknown');
    expect((await registry.list()).map((r) => r.id)).toEqual(['dp-b']);
    expect((await other.list()).map((r) => r.id)).toEqual(['dp-z']);
  });

  it('pages through many replicas and skips an unreadable row', async () => {
    const { registry, keyspace } = await newRegistry();
    const ids = Array.from({ length: 130 }, (_, i) => `dp-${String(i).padStart(3, '0')}`);
    for (const id of ids) await registry.report(report(id));
    await backends.cassandra.execute(
      `INSERT INTO ${keyspace}.data_planes (cluster, id, last_seen, report) VALUES (?, ?, ?, ?)`,
      ['default', 'dp-broken', new Date(), '{not json'],
    );
    expect((await registry.list()).map((r) => r.id)).toEqual(ids);
  });

  it('refuses invalid reports before writing', async () => {
    const { registry } = await newRegistry();
    await expect(registry.report(report('dp-a', { status: 'lost' as never }))).rejects.toThrow(/status must be/);
    expect(await registry.list()).toEqual([]);
    expect(
      () => new CassandraDataPlaneRegistry({ connection: backends.cassandra, keyspace: 'ks', ttlSeconds: 0 }),
    ).toThrow(/ttlSeconds/);
  });
});
