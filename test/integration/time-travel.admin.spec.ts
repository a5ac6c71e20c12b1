/* eslint-disable @typescript-eslint/no-unsafe-call -- answers are JSON checked by assertions */
/**
 * `GET /config?at=`, `GET /config/diff` and `POST /config/rollback` on a real admin app, in embedded mode (the
 * embedded log is the history) and in cluster mode (Kafka, with the history and snapshots in Cassandra).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_DEFAULTS, STANDALONE_DEFAULTS, loadSettings, type Settings } from '@gantry/settings';
import type { INestApplication } from '@nestjs/common';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { AdminClient } from '../conformance/admin/client';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from '../support/infra-env';

jest.setTimeout(120_000);

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function embeddedSettings(): Settings {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-time-travel-'));
  dataDirs.push(dataDir);
  return loadSettings({ GANTRY_ADMIN_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dataDir }, STANDALONE_DEFAULTS);
}

function clusterSettings(): Settings {
  return loadSettings(
    {
      GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
      GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
      GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
      GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
      GANTRY_KAFKA_TOPIC: uniqueName('time_travel'),
      GANTRY_CASSANDRA_KEYSPACE: uniqueName('time_travel'),
    },
    CLUSTER_DEFAULTS,
  );
}

async function healthy(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${url}/health`);
    await response.arrayBuffer();
    if (response.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the admin at ${url} did not become healthy`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const SECRETS = /alice-secret|second-secret/;

describe.each([
  ['embedded log and store', embeddedSettings],
  ['Kafka log, Cassandra history and snapshots', clusterSettings],
])('time travel and rollback (%s)', (_mode, settings) => {
  let app: INestApplication;
  let admin: AdminClient;
  const version = async (): Promise<number> => (await admin.get('/status')).body.gantry.config_version as number;
  /** Every time-travel answer is checked for secrets as it arrives. */
  const travel = async (method: 'GET' | 'POST', path: string, json?: unknown) => {
    const answer = await admin.request(method, path, json === undefined ? {} : { json });
    expect(answer.text).not.toMatch(SECRETS);
    return answer;
  };

  beforeAll(async () => {
    app = await startAdmin(settings(), { shutdownHooks: false });
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await healthy(url);
    admin = new AdminClient(url);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('exports past versions, diffs them, rolls back to one and back again', async () => {
    const billing = (await admin.post('/services', { name: 'billing', url: 'http://billing:80' })).body;
    await admin.post('/services', { name: 'orders', url: 'http://orders:80' });
    const r1 = (await admin.post(`/services/${billing.id}/routes`, { name: 'r1', paths: ['/billing'] })).body;
    const alice = (await admin.post('/consumers', { username: 'alice' })).body;
    const key = (await admin.post(`/consumers/${alice.id}/key-auth`, { key: 'alice-secret-key' })).body;
    expect(key.key).toBe('alice-secret-key');
    const then = await version();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const thenTime = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect((await admin.patch(`/services/${billing.id}`, { name: 'billing-v2' })).status).toBe(200);
    expect((await admin.delete(`/routes/${r1.id}`)).status).toBe(204);
    const again = (await admin.post(`/services/${billing.id}/routes`, { name: 'r1', paths: ['/v2'] })).body;
    await admin.post(`/consumers/${alice.id}/key-auth`, { key: 'second-secret-key' });
    expect((await admin.delete(`/consumers/${alice.id}/key-auth/${key.id}`)).status).toBe(204);
    const start = await version();
    const startExport = (await travel('GET', `/config?at=${start}&format=json`)).body;

    // The configuration as it was, by version and by time.
    const past = await travel('GET', `/config?at=${then}&format=json`);
    expect(past.status).toBe(200);
    expect(past.headers.get('x-gantry-config-version')).toBe(String(then));
    expect(past.body.routes).toEqual([expect.objectContaining({ id: r1.id, name: 'r1', paths: ['/billing'] })]);
    expect(past.body.keyauth_credentials).toEqual([expect.objectContaining({ id: key.id, key: '<redacted>' })]);
    const byTime = await travel('GET', `/config?at=${encodeURIComponent(thenTime)}&format=json`);
    expect(byTime.headers.get('x-gantry-config-version')).toBe(String(then));
    expect((await travel('GET', '/config?at=tomorrow')).body.fields).toEqual({ at: expect.any(String) });

    const diff = await travel('GET', `/config/diff?from=${then}&to=${start}`);
    expect(diff.body.added.map((e: { id: string }) => e.id)).toEqual([again.id, expect.any(String)]);
    expect(diff.body.removed.map((e: { id: string }) => e.id)).toEqual([r1.id, key.id]);
    expect(diff.body.changed).toEqual([
      expect.objectContaining({ kind: 'services', id: billing.id, name: 'billing-v2' }),
    ]);

    const dry = await travel('POST', '/config/rollback', { to: then, dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body.conflicts).toContainEqual(expect.objectContaining({ kind: 'recreated', name: 'r1', id: r1.id }));
    expect(await version()).toBe(start);

    const rollback = await travel('POST', '/config/rollback', { to: then });
    expect(rollback.status).toBe(200);
    expect(rollback.body).toMatchObject({ dry_run: false, version: start + 1, to: { version: then } });
    // Read-your-writes: the answer came after this admin folded it.
    expect(await version()).toBeGreaterThanOrEqual(start + 1);
    const current = (await admin.get('/config?format=json')).body;
    expect(current.routes).toEqual([expect.objectContaining({ id: r1.id, paths: ['/billing'] })]);
    // The real key came back from the history.
    expect(current.keyauth_credentials).toEqual([expect.objectContaining({ id: key.id, key: 'alice-secret-key' })]);
    const afterRollback = (await travel('GET', `/config?at=${start + 1}&format=json`)).body;
    expect({ ...afterRollback, _comment: null }).toEqual({ ...past.body, _comment: null });

    // The rollback is a change like any other: it can be rolled back.
    const undo = await travel('POST', '/config/rollback', { to: start });
    expect(undo.status).toBe(200);
    const back = (await travel('GET', `/config?at=${start + 2}&format=json`)).body;
    expect({ ...back, _comment: null }).toEqual({ ...startExport, _comment: null });
    expect((await travel('POST', '/config/rollback', { to: start + 2 })).body).toMatchObject({ noop: true });
    expect(await version()).toBe(start + 2);
  });
});
