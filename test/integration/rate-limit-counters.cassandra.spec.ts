import { CassandraConnection } from '@gantry/cassandra';
import {
  createHandler,
  exitJson,
  runAccess,
  testEnvironment,
  testRequest,
} from '../../libs/plugins/src/testing/plugin-harness';
import { CassandraCounterStore } from '../../libs/plugins/src/rate-limiting/cassandra-counter-store';
import { rateLimitingWith } from '../../libs/plugins/src/rate-limiting/handler';
import { EMPTY_UUID } from '../../libs/plugins/src/rate-limiting/policies/policy';
import { cassandraContactPoints, cassandraLocalDc, uniqueName } from '../support/infra-env';

jest.setTimeout(60_000);

let connection: CassandraConnection;
let keyspace: string;

/** A store acting as one replica ("node") of the cluster. */
async function node(nodeId: string): Promise<CassandraCounterStore> {
  const store = new CassandraCounterStore(connection, keyspace, { nodeId });
  await store.ensureSchema();
  return store;
}

beforeAll(async () => {
  connection = new CassandraConnection({
    contactPoints: cassandraContactPoints(),
    localDataCenter: cassandraLocalDc(),
  });
  await connection.connect();
  keyspace = uniqueName('rate_limits');
  await connection.ensureKeyspace(keyspace, { [cassandraLocalDc()]: 1 });
});

afterAll(async () => {
  await connection.dropKeyspace(keyspace);
  await connection.close();
});

describe('CassandraCounterStore', () => {
  const window = Date.UTC(2024, 1, 15, 10, 30);

  it('gives two nodes one shared count per key and window', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await a.increment('k1', window, 1, 60);
    expect(await a.current('k1', window)).toBe(1);
    await b.increment('k1', window, 1, 60);
    expect(await b.current('k1', window)).toBe(2);
    await a.increment('k1', window, 3, 60);
    expect(await a.current('k1', window)).toBe(5);
    expect(await b.current('k1', window)).toBe(5);
    expect(await a.current('k1', window)).toBe(5);
    // Other windows and keys are separate.
    expect(await a.current('k1', window + 60_000)).toBe(0);
    expect(await b.current('k2', window)).toBe(0);
  });

  it('stores each node its own row, with a TTL', async () => {
    const a = await node('node-a');
    await a.increment('ttl', window, 2, 120);
    const rows = await connection.execute(
      `SELECT node, count, TTL(count) AS ttl FROM ${keyspace}.rate_limit_counters WHERE scope = ? AND window_start = ?`,
      ['ttl', window],
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.first().get('node')).toBe('node-a');
    expect(Number(rows.first().get('count'))).toBe(2);
    const ttl = rows.first().get('ttl') as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('coalesces concurrent increments into absolute writes that end at the latest value', async () => {
    const a = await node('node-a');
    const execute = jest.spyOn(connection, 'execute');
    await Promise.all(Array.from({ length: 50 }, () => a.increment('burst', window, 1, 60)));
    expect(await a.current('burst', window)).toBe(50);
    // The first write went out at once; the 49 increments made while it was in flight share the next one.
    expect(execute.mock.calls.filter(([cql]) => cql.startsWith('INSERT'))).toHaveLength(2);
    execute.mockRestore();
    const rows = await connection.execute(
      `SELECT count FROM ${keyspace}.rate_limit_counters WHERE scope = ? AND window_start = ? AND node = ?`,
      ['burst', window, 'node-a'],
    );
    expect(Number(rows.first().get('count'))).toBe(50);
  });

  it('never lets a restarted node overwrite its predecessor', async () => {
    const before = await node('process-1');
    await before.increment('restart', window, 4, 60);
    const after = await node('process-2');
    await after.increment('restart', window, 1, 60);
    expect(await after.current('restart', window)).toBe(5);
  });

  it('gives rate-limiting replicas one budget', async () => {
    const config = { minute: 3, policy: 'cluster' };
    const definition = rateLimitingWith({ now: () => window + 5_000 });
    const stores = [await node('replica-1'), await node('replica-2')];
    const replicas = stores.map((store) =>
      createHandler(definition, config, testEnvironment({ clusterCounters: store })),
    );
    const key = `ratelimit:${EMPTY_UUID}:${EMPTY_UUID}:203.0.113.9:minute`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const kong = await runAccess(replicas[i % 2], testRequest({ clientIp: '203.0.113.9' }));
      statuses.push(kong.exited?.status ?? 200);
      if (kong.exited !== null) expect(exitJson(kong)).toMatchObject({ message: 'API rate limit exceeded' });
      // The increment is written after the decision, as Kong does; let it land before the next request.
      const counted = Math.min(i + 1, 3);
      while ((await stores[0].current(key, window)) < counted) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
