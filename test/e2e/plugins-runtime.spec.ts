/**
 * The plugin runtime through the Admin API and two real proxy replicas (real Kafka and Cassandra): scope
 * precedence, priority order, enabling, disabling and re-configuring plugins under load on every replica,
 * and bad plugin config refused by the Admin API.
 */
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { UpstreamServer, startUpstreams, type Echo } from '../support/upstream-server';

jest.setTimeout(300_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let upstream: UpstreamServer;

async function created(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await admin.post(path, body);
  expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
  return answer.body as Record<string, unknown>;
}

/** Both replicas' answers to the same request. */
async function onBoth(path: string, headers: Record<string, string> = {}) {
  return Promise.all(cluster.proxies.map((p) => http(p.url, path, { headers })));
}

beforeAll(async () => {
  [upstream] = await startUpstreams('plugins-up');
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startProxy();
  await created('/services', { name: 'scoped', url: upstream.url });
  await created('/services/scoped/routes', { name: 'scoped-a', paths: ['/scoped-a'] });
  await created('/services/scoped/routes', { name: 'scoped-b', paths: ['/scoped-b'] });
  await created('/services', { name: 'other', url: upstream.url });
  await created('/services/other/routes', { name: 'other-a', paths: ['/other-a'] });
  await created('/consumers', { username: 'vip' });
  await created('/consumers/vip/key-auth', { key: 'vip-key' });
  await created('/consumers', { username: 'plain' });
  await created('/consumers/plain/key-auth', { key: 'plain-key' });
  await cluster.converge();
});

afterAll(async () => {
  await cluster.stop();
  await upstream?.close();
});

describe('scope precedence', () => {
  afterAll(async () => {
    const plugins = await admin.get('/plugins?size=1000');
    for (const p of plugins.body.data as { id: string }[]) await admin.delete(`/plugins/${p.id}`);
    await cluster.converge();
  });

  it('the most specific of global, service, route, consumer and their combinations wins', async () => {
    const terminate = (code: number) => ({ name: 'request-termination', config: { status_code: code } });
    await created('/plugins', terminate(401));
    await created('/services/scoped/plugins', terminate(402));
    await created('/routes/scoped-a/plugins', terminate(403));
    await created('/plugins', {
      ...terminate(404),
      route: { id: (await admin.get('/routes/scoped-b')).body.id },
      service: { name: 'scoped' },
    });
    await cluster.converge();
    for (const [path, status] of [
      ['/other-a', 401], // global
      ['/scoped-a', 403], // route beats service
      ['/scoped-b', 404], // route+service beats service
    ] as const) {
      for (const answer of await onBoth(path)) expect({ path, status: answer.status }).toEqual({ path, status });
    }
  });

  it('consumer-scoped config applies once an auth plugin identified the consumer', async () => {
    await created('/services/other/plugins', { name: 'key-auth' });
    await created('/consumers/vip/plugins', { name: 'request-termination', config: { status_code: 418 } });
    await cluster.converge();
    for (const answer of await onBoth('/other-a', { apikey: 'vip-key' })) expect(answer.status).toBe(418);
    // Another consumer falls back to the global config.
    for (const answer of await onBoth('/other-a', { apikey: 'plain-key' })) expect(answer.status).toBe(401);
    // Auth runs first (priority 1250 > 2): no key is key-auth's 401, not termination.
    for (const answer of await onBoth('/other-a')) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ message: 'No API key found in request' });
    }
  });
});

describe('priority order', () => {
  it('runs higher priorities first in access (key-auth 1250 before request-termination 2)', async () => {
    await created('/services', { name: 'prio', url: upstream.url });
    await created('/services/prio/routes', { name: 'prio', paths: ['/prio'] });
    await created('/routes/prio/plugins', { name: 'request-termination', config: { status_code: 410 } });
    await created('/routes/prio/plugins', { name: 'key-auth' });
    await cluster.converge();
    for (const answer of await onBoth('/prio')) expect(answer.status).toBe(401);
    for (const answer of await onBoth('/prio', { apikey: 'plain-key' })) expect(answer.status).toBe(410);
  });
});

describe('changes under load', () => {
  it('enabling, re-configuring and disabling a plugin applies on every replica with no failed request', async () => {
    await created('/services', { name: 'live', url: upstream.url });
    await created('/services/live/routes', { name: 'live', paths: ['/live'] });
    await cluster.converge();
    let stop = false;
    const failures: string[] = [];
    let sent = 0;
    const load = cluster.proxies.map(async (proxy) => {
      while (!stop) {
        const answer = await http(proxy.url, '/live', { headers: { apikey: 'vip-key' } });
        sent++;
        // Every answer must be one of the configs' answers, never a 5xx or a 404.
        if (![200, 401, 429].includes(answer.status)) failures.push(`${answer.status} ${answer.text}`);
      }
    });
    const plugin = await created('/routes/live/plugins', { name: 'key-auth' });
    await cluster.converge();
    for (const answer of await onBoth('/live')) expect(answer.status).toBe(401);
    expect((await admin.patch(`/plugins/${String(plugin.id)}`, { config: { key_names: ['x-key'] } })).status).toBe(200);
    await cluster.converge();
    for (const answer of await onBoth('/live', { 'x-key': 'vip-key' })) expect(answer.status).toBe(200);
    expect((await admin.patch(`/plugins/${String(plugin.id)}`, { enabled: false })).status).toBe(200);
    await cluster.converge();
    for (const answer of await onBoth('/live')) expect(answer.status).toBe(200);
    expect((await admin.delete(`/plugins/${String(plugin.id)}`)).status).toBe(204);
    await cluster.converge();
    // Keep the load on long enough to cover every phase above and the time after the last change.
    while (sent < 400) await new Promise((resolve) => setTimeout(resolve, 10));
    stop = true;
    await Promise.all(load);
    expect(failures).toEqual([]);
  });
});

describe('bad plugin config', () => {
  it('is refused with a Kong-shaped 400 naming the field, and nothing is applied', async () => {
    const before = await cluster.converge();
    const bad = await admin.post('/plugins', { name: 'request-termination', config: { status_code: 99 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 2,
      name: 'schema violation',
      fields: { config: { status_code: 'value should be between 100 and 599' } },
    });
    const unknown = await admin.post('/plugins', { name: 'no-such-plugin' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual({
      name: "plugin 'no-such-plugin' not enabled; add it to the 'plugins' configuration property",
    });
    const unknownField = await admin.post('/plugins', { name: 'key-auth', config: { key_nmes: ['x'] } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.fields).toEqual({ config: { key_nmes: 'unknown field' } });
    expect(await cluster.converge()).toBe(before);
  });

  it('serves each bundled plugin schema and validates without writing', async () => {
    const schema = await admin.get('/schemas/plugins/request-termination');
    expect(schema.status).toBe(200);
    expect(JSON.stringify(schema.body)).toContain('status_code');
    const valid = await admin.post('/schemas/plugins/validate', {
      name: 'request-termination',
      config: { status_code: 200 },
    });
    expect(valid.status).toBe(200);
    const invalid = await admin.post('/schemas/plugins/validate', {
      name: 'request-termination',
      config: { status_code: 1 },
    });
    expect(invalid.status).toBe(400);
    const enabled = await admin.get('/plugins/enabled');
    expect(enabled.body.enabled_plugins).toEqual(expect.arrayContaining(['key-auth', 'request-termination']));
  });
});

describe('upstream view', () => {
  it('sends consumer headers upstream and strips forged ones', async () => {
    await created('/services', { name: 'who', url: upstream.url });
    await created('/services/who/routes', { name: 'who', paths: ['/who'] });
    await created('/routes/who/plugins', { name: 'key-auth', config: { hide_credentials: true } });
    await cluster.converge();
    for (const answer of await onBoth('/who', { apikey: 'vip-key', 'x-consumer-username': 'forged' })) {
      expect(answer.status).toBe(200);
      const echo = answer.json as Echo;
      expect(echo.headers['x-consumer-username']).toBe('vip');
      expect(echo.headers['x-consumer-id']).toEqual(expect.any(String));
      expect(echo.headers['x-credential-identifier']).toEqual(expect.any(String));
      expect(echo.headers.apikey).toBeUndefined();
    }
  });
});

// Last: a declarative import replaces the whole config.
describe("a Kong user's kong.yml", () => {
  it('works unchanged: plugins nested in services, routes and consumers, with their credentials', async () => {
    const kongYml = [
      '_format_version: "3.0"',
      'services:',
      '  - name: billing',
      `    url: ${upstream.url}`,
      '    plugins:',
      '      - name: rate-limiting',
      '        config: { minute: 100, policy: local }',
      '    routes:',
      '      - name: billing-api',
      '        paths: [/billing]',
      '        plugins:',
      '          - name: key-auth',
      '            config: { key_names: [x-api-key], hide_credentials: true }',
      '          - name: acl',
      '            config: { allow: [finance] }',
      'consumers:',
      '  - username: accountant',
      '    keyauth_credentials:',
      '      - key: ledger',
      '    acls:',
      '      - group: finance',
      '  - username: intern',
      '    keyauth_credentials:',
      '      - key: coffee',
      '',
    ].join('\n');
    const imported = await admin.request('POST', '/config', { raw: kongYml, contentType: 'application/yaml' });
    expect(imported.status).toBe(201);
    await cluster.converge();
    for (const proxy of cluster.proxies) {
      const ok = await http(proxy.url, '/billing', { headers: { 'x-api-key': 'ledger' } });
      expect(ok.status).toBe(200);
      expect(ok.headers['x-ratelimit-limit-minute']).toBe('100');
      expect((ok.json as Echo).headers['x-consumer-username']).toBe('accountant');
      expect((ok.json as Echo).headers['x-api-key']).toBeUndefined();
      expect((await http(proxy.url, '/billing', { headers: { 'x-api-key': 'coffee' } })).status).toBe(403);
      expect((await http(proxy.url, '/billing')).status).toBe(401);
    }
  });

  it('with a bad plugin config is refused whole, naming the plugin field', async () => {
    const before = await cluster.converge();
    const bad = await admin.post('/config', {
      _format_version: '3.0',
      services: [{ name: 'x', url: upstream.url, plugins: [{ name: 'rate-limiting', config: { minute: 'lots' } }] }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('minute');
    expect(await cluster.converge()).toBe(before);
  });
});
