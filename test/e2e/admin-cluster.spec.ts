/**
 * Admin processes as a cluster runs them: separate OS processes on one Kafka topic and one Cassandra keyspace.
 * Covers the unique-name race, read-your-writes across processes, crashes around the acknowledgement, and the
 * invariant that Cassandra, the log and every admin agree.
 */
import { CassandraConnection } from '@gantry/cassandra';
import { createState, applyEvent, decodeEvent, stateHash } from '@gantry/config';
import { KafkaConfigLog } from '@gantry/event-log';
import { KafkaConnection } from '@gantry/kafka';
import { eventually, storedStateHash } from '../../libs/store/src/testing/stored-state';
import { AdminClient } from '../conformance/admin/client';
import { freePort, spawnApp, waitForHttp, type AppProcess } from '../support/app-process';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from '../support/infra-env';

/** The fields these tests read from Admin API answers. */
interface Answer {
  readonly id: string;
  readonly message: string;
}

interface Cluster {
  readonly topic: string;
  readonly keyspace: string;
}

interface RunningAdmin {
  readonly process: AppProcess;
  readonly client: AdminClient;
}

const running: AppProcess[] = [];

async function startAdmin(cluster: Cluster, extraEnv: Record<string, string> = {}): Promise<RunningAdmin> {
  const port = await freePort();
  const process = spawnApp('admin', {
    GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
    GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
    GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
    GANTRY_KAFKA_TOPIC: cluster.topic,
    GANTRY_CASSANDRA_KEYSPACE: cluster.keyspace,
    GANTRY_ADMIN_LISTEN: `127.0.0.1:${port}`,
    GANTRY_NODE_ID: uniqueName('admin'),
    ...extraEnv,
  });
  running.push(process);
  await waitForHttp(process, `http://127.0.0.1:${port}/health`, 60_000);
  return { process, client: new AdminClient(`http://127.0.0.1:${port}`) };
}

function newCluster(): Cluster {
  return { topic: uniqueName('admin_e2e'), keyspace: uniqueName('admin_e2e') };
}

/** Folds the whole topic from version 1, as a brand-new replica would. */
async function foldOfLog(
  topic: string,
): Promise<{ version: number; hash: string; events: ReturnType<typeof decodeEvent>[] }> {
  const connection = new KafkaConnection({ brokers: kafkaBrokers(), clientId: uniqueName('reader') });
  await connection.connect();
  const log = new KafkaConfigLog({ connection, topic });
  try {
    await log.start();
    const head = await log.headVersion();
    const state = createState();
    const events: ReturnType<typeof decodeEvent>[] = [];
    if (head > 0) {
      let resolveDone!: () => void;
      const done = new Promise<void>((resolve) => (resolveDone = resolve));
      const subscription = await log.subscribe(1, (record) => {
        const event = { ...decodeEvent(record.value), version: record.version };
        events.push(event);
        applyEvent(state, event);
        if (record.version === head) resolveDone();
      });
      await done;
      await subscription.close();
    }
    return { version: head, hash: stateHash(state), events };
  } finally {
    await log.close();
    await connection.close();
  }
}

async function withCassandra<T>(work: (connection: CassandraConnection) => Promise<T>): Promise<T> {
  const connection = new CassandraConnection({
    contactPoints: cassandraContactPoints(),
    localDataCenter: cassandraLocalDc(),
  });
  await connection.connect();
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

async function statusOf(admin: RunningAdmin): Promise<{ config_version: number; config_hash: string }> {
  const answer = await admin.client.get<{ gantry: { config_version: number; config_hash: string } }>('/status');
  expect(answer.status).toBe(200);
  return answer.body.gantry;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((process) => process.stop()));
});

describe('two admin processes on one Kafka topic', () => {
  it('a unique-name race gives one 201 and one 409', async () => {
    const cluster = newCluster();
    const [a, b] = await Promise.all([startAdmin(cluster), startAdmin(cluster)]);
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const answers = await Promise.all(
        [a, b].map((admin) => admin.client.post<Answer>('/services', { name, url: 'http://upstream.test' })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      const loser = answers.find((answer) => answer.status === 409)!;
      expect(loser.body).toMatchObject({ code: 5, name: 'unique constraint violation' });
      expect(loser.body.message).toContain(`name="${name}"`);
    }
    const listed = await b.client.get<{ data: { name: string }[] }>('/services?size=1000');
    expect(listed.body.data.map((service) => service.name).sort()).toEqual(
      [0, 1, 2, 3, 4].map((round) => `race-${round}`),
    );
  });

  it('reads its writes across processes: what one admin acknowledged, the other serves at once', async () => {
    const cluster = newCluster();
    const [a, b] = await Promise.all([startAdmin(cluster), startAdmin(cluster)]);
    for (let i = 0; i < 10; i++) {
      const created = await a.client.post<Answer>('/consumers', { username: `user-${i}` });
      expect(created.status).toBe(201);
      const read = await b.client.get(`/consumers/user-${i}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: created.body.id, username: `user-${i}` });
    }
  });
});

describe('crashes around the acknowledgement', () => {
  it('a write acknowledged just before SIGKILL is in the log and, once a persister catches up, in Cassandra', async () => {
    const cluster = newCluster();
    const a = await startAdmin(cluster);
    const created = await a.client.post<Answer>('/services', { name: 'survivor', url: 'http://upstream.test' });
    expect(created.status).toBe(201);
    await a.process.kill();

    const log = await foldOfLog(cluster.topic);
    const persisted = log.events.find((event) => event.changes.some((change) => change.key === created.body.id));
    expect(persisted).toBeDefined();

    // A new admin's persister resumes from the stored progress and writes what the dead one had not.
    const b = await startAdmin(cluster);
    await eventually(
      async () => (await withCassandra((c) => storedStateHash(c, cluster.keyspace))) === log.hash,
      30_000,
      'Cassandra to hold the acknowledged write',
    );
    expect((await b.client.get('/services/survivor')).status).toBe(200);
  });

  it('a crash between append and acknowledgement: the retry with the same Idempotency-Key applies once', async () => {
    const cluster = newCluster();
    const crashing = await startAdmin(cluster, { GANTRY_FAULT_CRASH_AFTER_APPEND: '1' });
    const body = { username: 'exactly-once' };
    const headers = { 'idempotency-key': 'retry-me' };
    // The process dies after the event is durable in Kafka and before it answers: the client sees no response.
    await expect(crashing.client.post('/consumers', body, { headers })).rejects.toThrow();
    await new Promise((resolve) => crashing.process.child.once('exit', resolve));

    const healthy = await startAdmin(cluster);
    const retried = await healthy.client.post<Answer>('/consumers', body, { headers });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ username: 'exactly-once' });
    const again = await healthy.client.post<Answer>('/consumers', body, { headers });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(retried.body.id);

    const log = await foldOfLog(cluster.topic);
    const creates = log.events.filter((event) => event.idempotency_key?.endsWith('retry-me'));
    expect(creates).toHaveLength(1);
    const consumers = await healthy.client.get<{ data: unknown[] }>('/consumers');
    expect(consumers.body.data).toHaveLength(1);
  });
});

describe('invariant: Cassandra, the log and every admin agree', () => {
  it('after mixed writes from two admins, fold(log) = each admin = Cassandra', async () => {
    const cluster = newCluster();
    const [a, b] = await Promise.all([startAdmin(cluster), startAdmin(cluster)]);
    const service = await a.client.post<Answer>('/services', { name: 'inv', url: 'http://inv.test:8080/base' });
    expect(service.status).toBe(201);
    await b.client.post('/services/inv/routes', { name: 'inv-route', paths: ['/inv'] });
    await a.client.post('/consumers', { username: 'alice' });
    await b.client.post('/consumers/alice/key-auth', { key: 'alice-key' });
    await a.client.post('/plugins', { name: 'key-auth', service: { id: service.body.id } });
    await b.client.patch('/services/inv', { retries: 2 });
    await a.client.delete('/consumers/alice');
    await b.client.post('/services', { name: 'inv', url: 'http://dup.test' }); // rejected: 409

    const log = await foldOfLog(cluster.topic);
    for (const admin of [a, b]) {
      await eventually(async () => (await statusOf(admin)).config_version === log.version, 10_000, 'admin catch-up');
      expect((await statusOf(admin)).config_hash).toBe(log.hash);
    }
    await eventually(
      async () => (await withCassandra((c) => storedStateHash(c, cluster.keyspace))) === log.hash,
      30_000,
      'Cassandra to equal fold(log)',
    );
  });
});
