import { randomBytes } from 'node:crypto';
import { CassandraConnection } from '@gantry/cassandra';
import { CassandraSnapshotStore, ensureStoreSchema, type SnapshotRecord } from '@gantry/store';
import pino from 'pino';
import { cassandraContactPoints, cassandraLocalDc, uniqueName } from '../support/infra-env';

jest.setTimeout(60_000);

const silent = pino({ level: 'silent' });
let connection: CassandraConnection;
const keyspaces: string[] = [];

async function newStore(options: { keep?: number; chunkBytes?: number } = {}) {
  const keyspace = uniqueName('store');
  keyspaces.push(keyspace);
  const store = new CassandraSnapshotStore({
    connection,
    keyspace,
    replication: { [cassandraLocalDc()]: 1 },
    chunkBytes: options.chunkBytes ?? 64 * 1024,
    keep: options.keep,
    logger: silent,
  });
  await store.start();
  return { store, keyspace };
}

function snapshot(version: number, bytes: number): SnapshotRecord {
  return { version, hash: `hash-${version}`, takenAt: 1_700_000_000_000 + version, payload: randomBytes(bytes) };
}

async function count(keyspace: string, table: string): Promise<number> {
  const result = await connection.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.${table}`);
  return Number(result.first().get('n'));
}

beforeAll(async () => {
  connection = new CassandraConnection({
    contactPoints: cassandraContactPoints(),
    localDataCenter: cassandraLocalDc(),
  });
  await connection.connect();
});

afterAll(async () => {
  for (const keyspace of keyspaces) await connection.dropKeyspace(keyspace);
  await connection.close();
});

describe('Cassandra store schema', () => {
  it('creates a NetworkTopologyStrategy keyspace and every table, idempotently', async () => {
    const keyspace = uniqueName('schema');
    keyspaces.push(keyspace);
    const options = { keyspace, replication: { [cassandraLocalDc()]: 1 } };
    await ensureStoreSchema(connection, options);
    await ensureStoreSchema(connection, options);
    const replication = await connection.execute(
      'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [keyspace],
    );
    expect(replication.first().get('replication')).toMatchObject({
      class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
    });
    const tables = await connection.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [
      keyspace,
    ]);
    expect(tables.rows.map((row) => row.get('table_name') as string).sort()).toEqual([
      'audit_changes',
      'audit_events',
      'audit_index',
      'audit_index_buckets',
      'data_planes',
      'entities',
      'entity_aliases',
      'events_by_bucket',
      'events_by_entity',
      'persister_progress',
      'snapshot_chunks',
      'snapshot_head',
      'snapshots',
      'snapshots_by_bucket',
    ]);
  });
});

describe('CassandraSnapshotStore', () => {
  it('round-trips a multi-chunk snapshot', async () => {
    const { store, keyspace } = await newStore();
    expect(await store.latest()).toBeNull();
    const big = snapshot(10, 1_000_000 + 17); // 16 chunks of 64 KiB
    await store.save(big);
    expect(await store.latest()).toEqual(big);
    expect(await count(keyspace, 'snapshot_chunks')).toBe(16);
    expect(store.health()).toMatchObject({ up: true, backend: 'cassandra', lastError: null });
  });

  it('shows a snapshot only once all its chunks and its metadata are written', async () => {
    const { store, keyspace } = await newStore();
    const done = snapshot(5, 200_000);
    await store.save(done);
    // What a crash halfway through a save leaves: chunks and metadata, but no head pointing at them.
    await connection.execute(`INSERT INTO ${keyspace}.snapshot_chunks (version, chunk, data) VALUES (?, ?, ?)`, [
      9,
      0,
      randomBytes(10),
    ]);
    await connection.execute(
      `INSERT INTO ${keyspace}.snapshots (version, hash, taken_at, chunk_count, total_bytes, sha256, previous) ` +
        `VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [9, 'h', new Date(), 3, 150_000, 'x', 5],
    );
    expect((await store.latest())?.version).toBe(5);
  });

  it('falls back to the previous snapshot when a chunk of the newest is damaged or missing', async () => {
    const { store, keyspace } = await newStore();
    await store.save(snapshot(1, 100_000));
    const second = snapshot(2, 100_000);
    await store.save(second);
    await store.save(snapshot(3, 100_000));
    await connection.execute(`UPDATE ${keyspace}.snapshot_chunks SET data = ? WHERE version = ? AND chunk = ?`, [
      randomBytes(64 * 1024),
      3,
      1,
    ]);
    expect(await store.latest()).toEqual(second);
    await connection.execute(`DELETE FROM ${keyspace}.snapshot_chunks WHERE version = ? AND chunk = ?`, [2, 0]);
    expect((await store.latest())?.version).toBe(1);
  });

  it('keeps the newest `keep` snapshots, deleting older ones whole', async () => {
    const { store, keyspace } = await newStore({ keep: 2 });
    for (const version of [1, 2, 3, 4, 5]) await store.save(snapshot(version, 70_000)); // 2 chunks each
    // Version 1 stays too: it is the checkpoint of versions 0..4999.
    expect(await count(keyspace, 'snapshots')).toBe(3);
    expect(await count(keyspace, 'snapshot_chunks')).toBe(6);
    expect((await store.latest())?.version).toBe(5);
  });

  it('ignores a save older than, or equal to, the newest snapshot (two persisters racing)', async () => {
    const { store } = await newStore();
    const newest = snapshot(8, 1_000);
    await store.save(newest);
    await store.save(snapshot(8, 1_000));
    await store.save(snapshot(3, 1_000));
    expect(await store.latest()).toEqual(newest);
  });
});
