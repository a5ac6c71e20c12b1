/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call -- audit answers are JSON the assertions check */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_DEFAULTS, loadSettings, STANDALONE_DEFAULTS } from '@gantry/settings';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { RSA_CERT, RSA_KEY } from '../../libs/config/src/testing/pem-fixtures';
import { AdminClient, type AdminAnswer } from '../conformance/admin/client';
import { cassandraContactPoints, cassandraLocalDc, kafkaBrokers, uniqueName } from '../support/infra-env';

jest.setTimeout(120_000);

const TOKENS = { alice: 'alice-token-0001', bob: 'bob-token-0002', viewer: 'viewer-token-0003' };
const ADMIN_TOKENS = `alice:admin:${TOKENS.alice},bob:admin:${TOKENS.bob},viewer:read:${TOKENS.viewer}`;

interface Running {
  readonly baseUrl: string;
  close(): Promise<void>;
}

async function startEmbedded(): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-audit-'));
  const settings = loadSettings(
    { GANTRY_ADMIN_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dataDir, GANTRY_ADMIN_TOKENS: ADMIN_TOKENS },
    STANDALONE_DEFAULTS,
  );
  const app = await startAdmin(settings, { shutdownHooks: false });
  return {
    baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startCluster(): Promise<Running> {
  const settings = loadSettings(
    {
      GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
      GANTRY_KAFKA_BROKERS: kafkaBrokers().join(','),
      GANTRY_CASSANDRA_CONTACT_POINTS: cassandraContactPoints().join(','),
      GANTRY_CASSANDRA_LOCAL_DC: cassandraLocalDc(),
      GANTRY_KAFKA_TOPIC: uniqueName('audit_admin'),
      GANTRY_CASSANDRA_KEYSPACE: uniqueName('audit_admin'),
      GANTRY_ADMIN_TOKENS: ADMIN_TOKENS,
    },
    CLUSTER_DEFAULTS,
  );
  const app = await startAdmin(settings, { shutdownHooks: false });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${baseUrl}/health`);
    await response.arrayBuffer();
    if (response.status === 200) break;
    if (Date.now() > deadline) throw new Error('the cluster admin did not become healthy');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, close: () => app.close() };
}

type Page = { data: any[]; next: string | null; offset?: string };

describe.each([
  ['embedded log and store', startEmbedded],
  ['Kafka log, Cassandra store', startCluster],
])('audit events (%s)', (_label, start) => {
  let running: Running;
  let alice: AdminClient;
  let bob: AdminClient;
  let viewer: AdminClient;
  /** Every audit answer body, for the secrets check. */
  const bodies: string[] = [];

  const audit = async (path: string): Promise<AdminAnswer> => {
    const answer = await viewer.get(path);
    bodies.push(answer.text);
    return answer;
  };
  const ok = async (answer: Promise<AdminAnswer>, status: number): Promise<any> => {
    const a = await answer;
    if (a.status !== status) throw new Error(`expected ${status}, got ${a.status}: ${a.text}`);
    return a.body;
  };
  /** Follows `next` from `path` to the end. */
  const all = async (path: string): Promise<any[]> => {
    const out: any[] = [];
    let next: string | null = path;
    while (next !== null) {
      const page: Page = (await ok(audit(next), 200)) as Page;
      out.push(...page.data);
      next = page.next;
    }
    return out;
  };

  beforeAll(async () => {
    running = await start();
    const client = new AdminClient(running.baseUrl);
    alice = client.with({ 'Kong-Admin-Token': TOKENS.alice });
    bob = client.with({ 'Kong-Admin-Token': TOKENS.bob });
    viewer = client.with({ 'Kong-Admin-Token': TOKENS.viewer });
  });
  afterAll(async () => running?.close());

  it('answers who changed a route, when, and what it looked like before', async () => {
    await ok(alice.post('/services', { name: 'orders-svc', host: 'orders.internal' }), 201);
    const created = await ok(alice.post('/services/orders-svc/routes', { name: 'orders', paths: ['/orders'] }), 201);
    const before = Date.now();
    await ok(bob.patch('/routes/orders', { name: 'orders-v2', paths: ['/orders', '/v2'] }), 200);

    const history = await all('/audit/events?entity=orders&kind=routes');
    expect(history.map((e) => [e.actor, e.type, e.status])).toEqual([
      ['bob', 'update', 'applied'],
      ['alice', 'create', 'applied'],
    ]);
    expect(history[0]).toMatchObject({ source: 'admin', key: created.id, kind: 'routes', change_count: 1 });
    expect(Date.parse(history[0].timestamp)).toBeGreaterThanOrEqual(before - 1_000);
    expect(history[0].timestamp_ms).toBe(Date.parse(history[0].timestamp));
    expect(history[0].request_id).toMatch(/^[0-9a-f]{32}$/);

    const detail = await ok(audit(`/audit/events/${history[0].version}`), 200);
    expect(detail.changes).toHaveLength(1);
    expect(detail.changes[0]).toMatchObject({ kind: 'routes', key: created.id, op: 'update', cascade: false });
    expect(detail.changes[0].before).toMatchObject({ name: 'orders', paths: ['/orders'] });
    expect(detail.changes[0].after).toMatchObject({ name: 'orders-v2', paths: ['/orders', '/v2'] });
    expect(detail.changes[0].diff).toEqual(
      expect.arrayContaining([
        { path: 'name', before: 'orders', after: 'orders-v2' },
        { path: 'paths', before: ['/orders'], after: ['/orders', '/v2'] },
      ]),
    );
    // The new name finds the same history.
    expect((await all('/audit/events?entity=orders-v2')).map((e) => e.version)).toEqual(history.map((e) => e.version));
  });

  it('filters by actor, source, kind, time and version', async () => {
    const everything = await all('/audit/events?size=1000');
    expect(everything.length).toBeGreaterThanOrEqual(3);
    const versions = everything.map((e) => e.version);
    expect(versions).toEqual([...versions].sort((a, b) => b - a));
    expect((await all('/audit/events?actor=bob')).every((e) => e.actor === 'bob')).toBe(true);
    expect(await all('/audit/events?actor=nobody')).toEqual([]);
    expect(await all('/audit/events?source=admin')).toHaveLength(everything.length);
    expect(await all('/audit/events?source=discovery')).toEqual([]);
    expect((await all('/audit/events?kind=services')).map((e) => e.kinds)).toEqual([['services']]);
    const [newest] = everything;
    const lastTwo = await all(`/audit/events?from_version=${newest.version - 1}&to_version=${newest.version}`);
    expect(lastTwo.map((e) => e.version)).toEqual([newest.version, newest.version - 1]);
    const at = encodeURIComponent(newest.timestamp);
    expect((await all(`/audit/events?since=${at}`)).map((e) => e.version)).toContain(newest.version);
    const future = Math.floor(Date.now() / 1000) + 3_600;
    expect(await all(`/audit/events?since=${future}`)).toEqual([]);
    expect((await all(`/audit/events?until=${future}`)).length).toBe(everything.length);
  });

  it('answers bad filters with a Kong 400 naming the field, and unknown versions with 404', async () => {
    for (const [query, field] of [
      ['kind=widgets', 'kind'],
      ['source=human', 'source'],
      ['since=yesterday', 'since'],
      ['from_version=-1', 'from_version'],
      ['from_version=5&to_version=2', 'to_version'],
    ]) {
      const answer = await audit(`/audit/events?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 11, name: 'invalid options', fields: { [field]: expect.any(String) } });
      expect(answer.body.message).toContain(field);
    }
    expect((await audit('/audit/events?size=0')).body).toMatchObject({ code: 9 });
    expect((await audit('/audit/events?offset=bm90LWEtdG9rZW4')).body).toMatchObject({ code: 7 });
    expect((await audit('/audit/events/abc')).status).toBe(400);
    expect((await audit('/audit/events/999999')).status).toBe(404);
    expect((await audit('/audit/events/999999')).body).toEqual({ message: 'Not found' });
  });

  it('paginates like every Kong list', async () => {
    for (let i = 0; i < 5; i++) await ok(alice.post('/services', { name: `page-${i}`, host: 'h' }), 201);
    const whole = (await all('/audit/events?actor=alice&size=1000')).map((e) => e.version);
    const first = (await ok(audit('/audit/events?actor=alice&size=2'), 200)) as Page;
    expect(first.data).toHaveLength(2);
    expect(first.offset).toEqual(expect.any(String));
    expect(first.next).toBe(`/audit/events?actor=alice&size=2&offset=${encodeURIComponent(first.offset!)}`);
    const paged = (await all('/audit/events?actor=alice&size=2')).map((e) => e.version);
    expect(paged).toEqual(whole);
    expect(whole.length).toBeGreaterThanOrEqual(7);
  });

  it('never shows a secret in any audit answer', async () => {
    const secrets = [
      'keyauth-secret-0007',
      'keyauth-secret-0008',
      'basic-pass-0006',
      'jwt-secret-0004',
      'hmac-secret-0005',
      'redis-pass-secret-0001',
      'httplog-pass-secret-0002',
      'hdr-secret-0003',
      RSA_KEY.split('\n')[5],
    ];
    await ok(alice.post('/consumers', { username: 'ann' }), 201);
    const key = await ok(alice.post('/consumers/ann/key-auth', { key: secrets[0] }), 201);
    await ok(alice.patch(`/consumers/ann/key-auth/${key.id}`, { key: secrets[1] }), 200);
    await ok(alice.post('/consumers/ann/basic-auth', { username: 'ann-basic', password: secrets[2] }), 201);
    await ok(alice.post('/consumers/ann/jwt', { key: 'ann-iss', secret: secrets[3] }), 201);
    await ok(alice.post('/consumers/ann/hmac-auth', { username: 'ann-hmac', secret: secrets[4] }), 201);
    await ok(alice.post('/certificates', { cert: RSA_CERT, key: RSA_KEY }), 201);
    await ok(
      alice.post('/plugins', {
        name: 'rate-limiting',
        config: { minute: 5, policy: 'redis', redis: { host: '127.0.0.1', port: 6379, password: secrets[5] } },
      }),
      201,
    );
    await ok(
      alice.post('/plugins', {
        name: 'http-log',
        config: {
          http_endpoint: `http://logger:${secrets[6]}@127.0.0.1:9999/logs`,
          headers: { 'X-Api-Key': secrets[7] },
        },
      }),
      201,
    );
    // The stored scrypt hash is a secret too.
    const basic = await ok(alice.get('/basic-auths'), 200);
    secrets.push(basic.data[0].password);
    // The control: the Admin API itself shows the credentials, so the strings searched for below are real.
    expect((await alice.get('/key-auths')).text).toContain(secrets[1]);
    await ok(alice.delete('/consumers/ann'), 204); // cascades to every credential

    const events = await all('/audit/events?size=1000');
    for (const event of events) await ok(audit(`/audit/events/${event.version}`), 200);
    await all('/audit/events?entity=ann-iss');
    await all('/audit/events?kind=keyauth_credentials');
    const cascade = await ok(audit(`/audit/events/${events[0].version}`), 200);
    expect(cascade.changes.filter((c: any) => c.cascade).length).toBe(4);

    const leaks = secrets.filter((secret) => bodies.some((body) => body.includes(secret)));
    expect(leaks).toEqual([]);
    expect(bodies.join('').split('<redacted>').length).toBeGreaterThan(20);
  });
});
