/**
 * `GET /audit/verify` on running processes: a cluster admin (Kafka and Cassandra) whose persister writes the hash
 * chain, and standalone mode, whose chain file sits next to the embedded log. Both name an event altered in
 * storage afterwards.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyBucket } from '@gantry/store';
import { ed25519Pem } from '../../libs/audit/src/chain/testing/chain-fixtures';
import { rewriteEmbeddedRecord } from '../../libs/audit/src/chain/testing/tamper-log';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { AdminClient } from '../conformance/admin/client';
import { freePorts, spawnApp, waitForHttp, type AppProcess } from '../support/app-process';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(120_000);

const shared = useSharedBackends('gantry-test-audit-verify');
const running: AppProcess[] = [];
const { privatePem, publicPem } = ed25519Pem();

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});

async function start(name: 'admin' | 'standalone', env: Record<string, string>): Promise<AdminClient> {
  const [admin, proxy, status, discovery] = await freePorts(4);
  const app = spawnApp(name, {
    GANTRY_ADMIN_LISTEN: `127.0.0.1:${admin}`,
    GANTRY_PROXY_LISTEN: `127.0.0.1:${proxy}`,
    GANTRY_STATUS_LISTEN: `127.0.0.1:${status}`,
    GANTRY_DISCOVERY_STATUS_LISTEN: `127.0.0.1:${discovery}`,
    GANTRY_PROXY_TLS_LISTEN: 'off',
    GANTRY_NODE_ID: uniqueName(name),
    ...env,
  });
  running.push(app);
  await waitForHttp(app, `http://127.0.0.1:${admin}/health`, 60_000);
  return new AdminClient(`http://127.0.0.1:${admin}`);
}

async function createServices(client: AdminClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const answer = await client.post('/services', { name: `svc-${i}`, url: `http://upstream-${i}.test` });
    expect(answer.status).toBe(201);
  }
}

/** Waits until the chain covers `version`, and answers the whole-chain report then. */
async function verifiedUpTo(client: AdminClient, version: number): Promise<Record<string, unknown>> {
  let report: Record<string, unknown> = {};
  await eventually(
    async () => {
      report = (await client.get<Record<string, unknown>>('/audit/verify')).body;
      return typeof report.to === 'number' && report.to >= version;
    },
    30_000,
    `the chain to cover version ${version}`,
  );
  return report;
}

describe('GET /audit/verify', () => {
  it('on a cluster admin: verifies the chain the persister wrote and names an event altered in Cassandra', async () => {
    const topic = uniqueName('audit_verify');
    const keyspace = uniqueName('audit_verify');
    shared.topics.push(topic);
    shared.keyspaces.push(keyspace);
    const client = await start('admin', {
      GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
      GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
      GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
      GANTRY_KAFKA_TOPIC: topic,
      GANTRY_CASSANDRA_KEYSPACE: keyspace,
      GANTRY_AUDIT_SIGNING_KEY: privatePem.replace(/\n/g, '\\n'),
    });
    await createServices(client, 6);
    expect(await verifiedUpTo(client, 6)).toMatchObject({
      valid: true,
      from: 1,
      to: 6,
      checked: 6,
      first_broken: null,
      signed: true,
    });

    const answer = await client.get('/audit/verify?from=abc');
    expect([answer.status, answer.body.fields]).toEqual([
      400,
      { from: 'expected a version: an integer of at least 1' },
    ]);

    const row = await shared.cassandra.execute(
      `SELECT value FROM ${keyspace}.events_by_bucket WHERE bucket = ? AND version = 4`,
      [historyBucket(4)],
    );
    const altered = Buffer.from((row.first().get('value') as Buffer).toString('utf8').replace('svc-3', 'svc-x'));
    await shared.cassandra.execute(
      `UPDATE ${keyspace}.events_by_bucket SET value = ? WHERE bucket = ? AND version = 4`,
      [altered, historyBucket(4)],
    );
    const broken = await client.get('/audit/verify');
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({
      valid: false,
      checked: 3,
      first_broken: { version: 4, reason: 'hash_mismatch' },
      signed: true,
    });
    expect(await client.get('/audit/verify?from=5&to=6')).toMatchObject({ status: 200, body: { valid: true } });
  });

  it('in standalone mode: verifies the chain file and names a log record rewritten on disk', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gantry-audit-verify-'));
    shared.closers.push(() => rm(dataDir, { recursive: true, force: true }));
    const verifyKeyFile = join(dataDir, 'verify.pem');
    await writeFile(verifyKeyFile, publicPem);
    const env = { GANTRY_DATA_DIR: dataDir, GANTRY_AUDIT_SIGNING_KEY: privatePem.replace(/\n/g, '\\n') };
    let client = await start('standalone', env);
    await createServices(client, 5);
    expect(await verifiedUpTo(client, 5)).toMatchObject({ valid: true, checked: 5, signed: true });
    await running.splice(0)[0].stop();

    await rewriteEmbeddedRecord(dataDir, 2, (value) => Buffer.from(value.toString('utf8').replace('svc-1', 'svc-x')));
    // An auditor's process holds only the public key.
    client = await start('standalone', { GANTRY_DATA_DIR: dataDir, GANTRY_AUDIT_VERIFY_KEY: verifyKeyFile });
    const report = (await client.get('/audit/verify')).body;
    expect(report).toMatchObject({
      valid: false,
      to: 5,
      checked: 1,
      first_broken: { version: 2, reason: 'hash_mismatch' },
      signed: true,
    });
  });
});
