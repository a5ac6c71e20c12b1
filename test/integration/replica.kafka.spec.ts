import { KafkaConfigLog, type ConfigLog } from '@gantry/event-log';
import { LogConfigReplica, LogConfigWriter, ReplicaFold } from '@gantry/replica';
import { CassandraEventHistory, CassandraSnapshotStore, Persister } from '@gantry/store';
import pino from 'pino';
import { createService, mixedLog } from '../../libs/replica/src/testing/events';
import { readAll } from '../../libs/replica/src/testing/log-doubles';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { cassandraLocalDc, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(90_000);

const silent = pino({ level: 'silent' });
const shared = useSharedBackends('gantry-test-replica');
const { topics, keyspaces, closers } = shared;

/** A KafkaConfigLog on `topic`, as one process would open it. */
async function openLog(topic: string): Promise<KafkaConfigLog> {
  const log = new KafkaConfigLog({ connection: shared.kafka, topic, logger: silent });
  await log.start();
  closers.push(() => log.close());
  return log;
}

function newTopic(): string {
  const topic = uniqueName('replica');
  topics.push(topic);
  return topic;
}

async function foldHash(log: ConfigLog): Promise<string> {
  const fold = new ReplicaFold();
  for (const record of await readAll(log)) fold.apply(record);
  return fold.hash();
}

describe('LogConfigReplica on Kafka and Cassandra', () => {
  it('boots from the newest snapshot, reads what Kafka dropped from the Cassandra history, then tails Kafka', async () => {
    const topic = newTopic();
    const keyspace = uniqueName('replica');
    keyspaces.push(keyspace);
    const log = await openLog(topic);
    let head = 0;
    for (const value of [1, 2, 3].flatMap((n) => mixedLog(n))) head = await log.append(value);
    const persister = new Persister({
      log,
      connection: shared.cassandra,
      keyspace,
      replication: { [cassandraLocalDc()]: 1 },
      snapshotEvery: { events: 1_000_000, ms: 3_600_000 }, // this test saves its own snapshot, at version 10
      logger: silent,
    });
    closers.push(() => persister.close());
    await persister.start();
    await eventually(() => persister.health().persistedVersion === head, 30_000, 'the persister');
    const history = new CassandraEventHistory({ connection: shared.cassandra, keyspace });
    await eventually(async () => (await history.persistedVersion()) === head, 10_000, 'the progress row');
    const snapshots = new CassandraSnapshotStore({ connection: shared.cassandra, keyspace, logger: silent });
    await snapshots.start();
    const snapshotVersion = 10;
    const atSnapshot = new ReplicaFold();
    for (const record of (await readAll(log)).slice(0, snapshotVersion)) atSnapshot.apply(record);
    await snapshots.save(atSnapshot.toSnapshot());

    // Retention, done by hand: Kafka now starts two versions past the snapshot's next one.
    await shared.kafka.admin.fetchTopicMetadata({ topics: [topic] });
    await shared.kafka.admin.deleteTopicRecords({
      topic,
      partitions: [{ partition: 0, offset: String(snapshotVersion + 2) }],
    });
    const otherProcess = await openLog(topic);
    expect(await otherProcess.earliestVersion()).toBe(snapshotVersion + 3);

    const replica = new LogConfigReplica({ log: otherProcess, snapshots, history, logger: silent });
    closers.push(() => replica.close());
    await replica.start();
    expect(replica.status()).toMatchObject({
      version: head,
      caughtUp: true,
      bootedFromSnapshot: snapshotVersion,
      lastError: null,
    });
    const reference = new ReplicaFold();
    for await (const record of history.read(1, head)) reference.apply(record);
    expect(replica.status().hash).toBe(reference.hash());

    // Without the history the same boot fails with a coded error instead of skipping versions.
    const blind = new LogConfigReplica({ log: otherProcess, snapshots, logger: silent });
    closers.push(() => blind.close());
    await expect(blind.start()).rejects.toMatchObject({ code: 'GANTRY_REPLICA_HISTORY_GAP' });

    // And it keeps following Kafka.
    const next = await log.append(mixedLog(9)[0]);
    await replica.waitForVersion(next, 10_000);
  });

  it('two admin processes racing for one name: one write applies, the other is rejected, both agree', async () => {
    const topic = newTopic();
    const [logA, logB] = [await openLog(topic), await openLog(topic)];
    const noSnapshots = {
      start: () => Promise.resolve(),
      latest: () => Promise.resolve(null),
      atOrBefore: () => Promise.resolve(null),
      save: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const store = {
      ...noSnapshots,
      health: () => ({ up: true, backend: 'embedded' as const, detail: '', lastError: null }),
    };
    const [a, b] = [
      new LogConfigReplica({ log: logA, snapshots: store, logger: silent }),
      new LogConfigReplica({ log: logB, snapshots: store, logger: silent }),
    ];
    closers.push(
      () => a.close(),
      () => b.close(),
    );
    await Promise.all([a.start(), b.start()]);
    const [writerA, writerB] = [
      new LogConfigWriter({ log: logA, replica: a }),
      new LogConfigWriter({ log: logB, replica: b }),
    ];
    const results = await Promise.all([
      writerA.write(createService(1, {}, 'contested')),
      writerB.write(createService(2, {}, 'contested')),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['applied', 'rejected']);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser).toMatchObject({ error: { code: 5 } });
    // Read-your-writes across processes: B folds A's version before answering anything newer.
    const version = Math.max(...results.map((r) => r.version));
    await Promise.all([a.waitForVersion(version, 10_000), b.waitForVersion(version, 10_000)]);
    expect(a.status().hash).toBe(b.status().hash);
    expect(a.outcomeOf(results[1].version)?.status).toBe(results[1].status);
    expect(a.status().hash).toBe(await foldHash(logA));
  });
});
