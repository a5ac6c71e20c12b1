import { Relay } from '../support/tcp-relay';
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConfigLog, type ConfigLog } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import { CassandraEventHistory, CassandraSnapshotStore, Persister, type PersisterOptions } from '@gantry/store';
import pino from 'pino';
import { mixedLog, uid } from '../../libs/replica/src/testing/events';
import { readAll } from '../../libs/replica/src/testing/log-doubles';
import { eventually, storedStateHash } from '../../libs/store/src/testing/stored-state';
import { cassandraContactPoints, cassandraLocalDc } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(90_000);

const silent = pino({ level: 'silent' });
const shared = useSharedBackends('gantry-test-persister');
const { closers } = shared;

const newLog = (): Promise<KafkaConfigLog> => shared.newLog('persister');

const newKeyspace = (): string => shared.newKeyspace('persister');

function persister(options: Pick<PersisterOptions, 'log' | 'keyspace'> & Partial<PersisterOptions>): Persister {
  return shared.newPersister({ ...options });
}

async function append(log: ConfigLog, values: Buffer[]): Promise<number> {
  let version = 0;
  for (const value of values) version = await log.append(value);
  return version;
}

/** fold(log): the reference the stored state must equal. */
async function foldOf(log: ConfigLog, upTo = Infinity): Promise<ReplicaFold> {
  const fold = new ReplicaFold();
  for (const record of await readAll(log)) if (record.version <= upTo) fold.apply(record);
  return fold;
}

async function persisted(p: Persister, keyspace: string, version: number): Promise<void> {
  const history = new CassandraEventHistory({ connection: shared.cassandra, keyspace });
  await eventually(
    async () => p.health().persistedVersion >= version && (await history.persistedVersion()) >= version,
    30_000,
    `version ${version} to be persisted (health: ${JSON.stringify(p.health())})`,
  );
}

describe('Persister', () => {
  it('writes history, entity history, current entities and snapshots equal to fold(log)', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const head = await append(
      log,
      [1, 2, 3, 4].flatMap((n) => mixedLog(n)),
    );
    const p = persister({ log, keyspace });
    await p.start();
    await persisted(p, keyspace, head);
    expect(p.health()).toMatchObject({ up: true, lag: 0, lastError: null, foldedVersion: head });

    const fold = await foldOf(log);
    expect(await storedStateHash(shared.cassandra, keyspace)).toBe(fold.hash());

    const history = new CassandraEventHistory({ connection: shared.cassandra, keyspace, pageSize: 7 });
    const stored = [];
    for await (const record of history.read(1, head)) stored.push(record);
    const logged = await readAll(log);
    expect(stored.map((r) => [r.version, r.value.toString('hex')])).toEqual(
      logged.map((r) => [r.version, r.value.toString('hex')]),
    );
    await expect(
      (async () => {
        for await (const _ of history.read(head, head + 1)) void _;
      })(),
    ).rejects.toMatchObject({ code: 'GANTRY_STORE_HISTORY_MISSING', missing: head + 1 });

    const statuses = await shared.cassandra.execute(`SELECT status FROM ${keyspace}.events_by_bucket WHERE bucket = 0`);
    const tally: Record<string, number> = {};
    for (const row of statuses.rows) tally[row.get('status') as string] = (tally[row.get('status') as string] ?? 0) + 1;
    expect(tally).toEqual({ applied: 24, rejected: 8, duplicate: 4 });

    // The cascade is recorded against the plugin, as the fold really applied it.
    const pluginHistory = await history.entityHistory('plugins', uid(1_004));
    expect(pluginHistory.map((e) => [e.version, e.op, e.cascade, e.status])).toEqual([
      [7, 'delete', true, 'applied'],
      [3, 'create', false, 'applied'],
    ]);

    // Snapshots are taken every 10 versions, one at a time, so which versions get one depends on timing.
    const snapshots = new CassandraSnapshotStore({ connection: shared.cassandra, keyspace, logger: silent });
    await eventually(() => p.health().lastSnapshotVersion >= 20, 10_000, 'a snapshot');
    const snapshot = await snapshots.latest();
    expect(snapshot?.version).toBe(p.health().lastSnapshotVersion);
    expect(snapshot?.hash).toBe((await foldOf(log, snapshot?.version)).hash());
    expect(ReplicaFold.fromSnapshot(snapshot!).hash()).toBe(snapshot?.hash);
  });

  it('resumes from its progress after a restart without rewriting what was stored', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const first = persister({ log, keyspace });
    await first.start();
    const head = await append(log, mixedLog(1));
    await persisted(first, keyspace, head);
    await first.close();
    const writetime = async () =>
      String(
        (
          await shared.cassandra.execute(
            `SELECT WRITETIME(status) AS t FROM ${keyspace}.events_by_bucket WHERE bucket = 0 AND version = 5`,
          )
        )
          .first()
          .get('t'),
      );
    const before = await writetime();

    const newHead = await append(log, [...mixedLog(2), ...mixedLog(3)]);
    const second = persister({ log, keyspace });
    await second.start();
    await persisted(second, keyspace, newHead);
    expect(await writetime()).toBe(before);
    expect(await storedStateHash(shared.cassandra, keyspace)).toBe((await foldOf(log)).hash());
  });

  it('is safe to run twice at once (two admin processes)', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const [a, b] = [persister({ log, keyspace }), persister({ log, keyspace })];
    await Promise.all([a.start(), b.start()]);
    const head = await append(
      log,
      [1, 2, 3, 4, 5].flatMap((n) => mixedLog(n)),
    );
    await persisted(a, keyspace, head);
    await persisted(b, keyspace, head);
    expect(await storedStateHash(shared.cassandra, keyspace)).toBe((await foldOf(log)).hash());
    const rows = await shared.cassandra.execute(
      `SELECT COUNT(*) AS n FROM ${keyspace}.events_by_bucket WHERE bucket = 0`,
    );
    expect(Number(rows.first().get('n'))).toBe(head);
  });
});

describe('Persister during a Cassandra outage', () => {
  it('retries without skipping, reports the lag and the error, and catches up when Cassandra returns', async () => {
    const [host, port] = cassandraContactPoints()[0].split(':');
    const relay = await Relay.onFreePort({ host, port: Number(port ?? 9042) });
    closers.push(() => relay.close());
    // The relay is not listening yet: the persister starts while Cassandra is unreachable.
    const throughRelay = new CassandraConnection({
      contactPoints: [`127.0.0.1:${relay.port}`],
      localDataCenter: cassandraLocalDc(),
      connectTimeoutMs: 1_000,
      readTimeoutMs: 1_000,
    });
    closers.push(() => throughRelay.close());
    const log = await newLog();
    const keyspace = newKeyspace();
    const p = persister({ log, keyspace, connection: throughRelay });
    await p.start();
    const firstHead = await append(log, mixedLog(1));
    await eventually(() => p.health().lastError !== null && p.health().headVersion === firstHead, 10_000, 'the error');
    expect(p.health()).toMatchObject({ up: false, persistedVersion: 0, lag: firstHead });
    expect(p.health().lastError).toMatch(/ECONNREFUSED|All host\(s\) tried/);

    await relay.open();
    await persisted(p, keyspace, firstHead);
    expect(p.health()).toMatchObject({ up: true, lastError: null });

    relay.stall(true);
    const secondHead = await append(log, [...mixedLog(2), ...mixedLog(3)]);
    await eventually(() => p.health().lastError !== null, 20_000, 'the outage to be noticed');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(p.health().persistedVersion).toBe(firstHead); // stuck on the first record of the outage, not skipping it
    expect(p.health().lag).toBe(secondHead - firstHead);

    relay.stall(false);
    await persisted(p, keyspace, secondHead);
    expect(p.health()).toMatchObject({ up: true, lastError: null, lag: 0 });
    expect(await storedStateHash(shared.cassandra, keyspace)).toBe((await foldOf(log)).hash());
    const history = new CassandraEventHistory({ connection: shared.cassandra, keyspace });
    let expected = 1;
    for await (const record of history.read(1, secondHead)) expect(record.version).toBe(expected++);
    expect(expected).toBe(secondHead + 1);
  });
});
