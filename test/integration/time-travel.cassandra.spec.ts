/**
 * Time travel over the cluster backends: a Kafka log, the persister writing the history and snapshots (with
 * checkpoints) to Cassandra, and `stateAt(v)` read back from the nearest Cassandra snapshot plus the history.
 */
import { eventTimeOf, timeTravelFor } from '@gantry/audit';
import { stateHash } from '@gantry/config';
import { KafkaConfigLog } from '@gantry/event-log';
import { ReplicaFold, decodeRecord } from '@gantry/replica';
import {
  CassandraEventHistory,
  CassandraSnapshotStore,
  Persister,
  SNAPSHOT_BUCKET_SIZE,
  type SnapshotRecord,
} from '@gantry/store';
import fc from 'fast-check';
import pino from 'pino';
import { historyArb } from '../../libs/audit/src/testing/random-history';
import { readAll } from '../../libs/replica/src/testing/log-doubles';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { cassandraLocalDc, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(120_000);

const silent = pino({ level: 'silent' });
const shared = useSharedBackends('gantry-test-time-travel');
const { topics, closers } = shared;

const newKeyspace = (): string => shared.newKeyspace('time_travel');

async function newStore(keyspace: string, retention: { keep?: number; checkpointEvery?: number } = {}) {
  const store = new CassandraSnapshotStore({
    connection: shared.cassandra,
    keyspace,
    replication: { [cassandraLocalDc()]: 1 },
    logger: silent,
    ...retention,
  });
  await store.start();
  return store;
}

function snapshot(version: number): SnapshotRecord {
  return {
    version,
    hash: `h${version}`,
    takenAt: 1_700_000_000_000 + version,
    payload: Buffer.alloc(40, version % 256),
  };
}

async function count(keyspace: string, table: string): Promise<number> {
  const result = await shared.cassandra.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.${table}`);
  return Number(result.first().get('n'));
}

describe('CassandraSnapshotStore checkpoints', () => {
  it('keeps the newest snapshots and the first of each window, and finds the nearest at or below a version', async () => {
    const keyspace = newKeyspace();
    const store = await newStore(keyspace, { keep: 2, checkpointEvery: 10 });
    for (const version of [3, 7, 12, 15, 19, 21, 24, 33]) await store.save(snapshot(version));
    // Kept: checkpoints 3, 12, 21, 33 and the newest two, 24 and 33.
    expect(await count(keyspace, 'snapshots')).toBe(5);
    expect(await count(keyspace, 'snapshots_by_bucket')).toBe(5);
    const nearest = async (v: number) => (await store.atOrBefore(v))?.version ?? null;
    expect(await nearest(2)).toBeNull();
    expect(await nearest(11)).toBe(3);
    expect(await nearest(19)).toBe(12);
    expect(await nearest(23)).toBe(21);
    expect(await nearest(30)).toBe(24);
    expect(await store.atOrBefore(1_000)).toEqual(snapshot(33));
  });

  it('walks down index buckets, and past a damaged snapshot to an older one', async () => {
    const keyspace = newKeyspace();
    const store = await newStore(keyspace, { keep: 5 });
    for (const version of [5, 8, 2 * SNAPSHOT_BUCKET_SIZE + 7]) await store.save(snapshot(version));
    expect((await store.atOrBefore(2 * SNAPSHOT_BUCKET_SIZE))?.version).toBe(8);
    await shared.cassandra.execute(`DELETE FROM ${keyspace}.snapshot_chunks WHERE version = ? AND chunk = ?`, [8, 0]);
    expect((await store.atOrBefore(2 * SNAPSHOT_BUCKET_SIZE))?.version).toBe(5);
  });
});

describe('time travel over Kafka and Cassandra', () => {
  it('stateAt(v) equals fold(log[1..v]) for every v, from Cassandra snapshots and history', async () => {
    const [history] = fc.sample(historyArb(60, 50), { numRuns: 1, seed: 7 });
    const topic = uniqueName('time_travel');
    topics.push(topic);
    const log = new KafkaConfigLog({ connection: shared.kafka, topic, logger: silent });
    await log.start();
    closers.push(() => log.close());
    // Undecodable records are stamped with the log's clock, not the writer's; leave them out so the event times
    // stay ordered (they change nothing, so the rest of the history stays valid).
    for (const record of history.records) if (decodeRecord(record).ok) await log.append(record.value);
    const records = await readAll(log);
    const head = records.length;

    const keyspace = newKeyspace();
    const persister = new Persister({
      log,
      connection: shared.cassandra,
      keyspace,
      replication: { [cassandraLocalDc()]: 1 },
      snapshotEvery: { events: 5, ms: 60_000 },
      snapshotRetention: { keep: 2, checkpointEvery: 10 },
      logger: silent,
    });
    closers.push(() => persister.close());
    await persister.start();
    const stored = new CassandraEventHistory({ connection: shared.cassandra, keyspace });
    // The persister creates the keyspace in the background: until then the read fails.
    await eventually(
      async () => (await stored.persistedVersion().catch(() => 0)) >= head,
      60_000,
      'the history to be persisted',
    );

    const reference = new ReplicaFold();
    const hashes = [stateHash(reference.state)];
    for (const record of records) {
      reference.apply(record);
      hashes.push(stateHash(reference.state));
    }
    const snapshots = await newStore(keyspace);
    const travel = timeTravelFor({ log, snapshots, history: stored }, { logger: silent });
    let fromSnapshots = 0;
    for (let v = 0; v <= head; v++) {
      const past = await travel.stateAt(v);
      expect([v, stateHash(past.state)]).toEqual([v, hashes[v]]);
      if (past.snapshotVersion > 0) fromSnapshots++;
      // A checkpoint (one per 10 versions, snapshots every 5) is never far below.
      if (v >= 20) expect(v - past.snapshotVersion).toBeLessThan(20);
    }
    expect(fromSnapshots).toBeGreaterThan(head / 2);

    // Times resolve through single-row reads of the event timestamps.
    for (const record of [records[0], records[head >> 1], records[head - 1]]) {
      const t = eventTimeOf(record);
      const expected = records.filter((r) => eventTimeOf(r) <= t).length;
      expect(await travel.versionAt(t, head)).toBe(expected);
    }
    expect(await travel.versionAt(eventTimeOf(records[0]) - 1, head)).toBe(0);
  });
});
