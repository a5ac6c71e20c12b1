import { types } from 'cassandra-driver';
import { CassandraConnection } from '@gantry/cassandra';
import { cassandraContactPoints, cassandraLocalDc, uniqueName } from '../support/infra-env';

describe('libs/cassandra against a real node', () => {
  let connection: CassandraConnection;
  const keyspace = uniqueName('ks_roundtrip');

  beforeAll(async () => {
    connection = new CassandraConnection({
      contactPoints: cassandraContactPoints(),
      localDataCenter: cassandraLocalDc(),
    });
    await connection.connect();
  });

  afterAll(async () => {
    await connection.dropKeyspace(keyspace);
    await connection.close();
  });

  it('reports the pool as up in the local data centre', () => {
    const health = connection.health();
    expect(health.up).toBe(true);
    expect(health.localDataCenter).toBe(cassandraLocalDc());
    expect(health.openConnections).toBeGreaterThan(0);
  });

  it('creates a NetworkTopologyStrategy keyspace, then writes and reads through prepared statements', async () => {
    await connection.ensureKeyspace(keyspace, { [cassandraLocalDc()]: 1 });
    await connection.ensureKeyspace(keyspace, { [cassandraLocalDc()]: 1 }); // idempotent

    const replication = await connection.execute(
      'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [keyspace],
    );
    expect(replication.first().get('replication')).toEqual({
      class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
      [cassandraLocalDc()]: '1',
    });

    await connection.client.execute(
      `CREATE TABLE IF NOT EXISTS ${keyspace}.items (bucket int, id timeuuid, body text, PRIMARY KEY (bucket, id))`,
    );
    const ids = [types.TimeUuid.now(), types.TimeUuid.now()];
    for (const [index, id] of ids.entries()) {
      await connection.execute(`INSERT INTO ${keyspace}.items (bucket, id, body) VALUES (?, ?, ?)`, [
        0,
        id,
        `body-${index}`,
      ]);
    }
    const rows = await connection.execute(`SELECT id, body FROM ${keyspace}.items WHERE bucket = ?`, [0]);
    expect(rows.rows.map((row) => row.get('body') as string)).toEqual(['body-0', 'body-1']);
  });

  it('reports an unreachable node as down with the reason', async () => {
    const dead = new CassandraConnection({
      contactPoints: ['127.0.0.1:1'],
      localDataCenter: 'dc1',
      connectTimeoutMs: 500,
    });
    try {
      await expect(dead.connect()).rejects.toThrow();
      expect(dead.health()).toMatchObject({ up: false, lastError: expect.any(String) });
    } finally {
      await dead.close();
    }
  });
});
