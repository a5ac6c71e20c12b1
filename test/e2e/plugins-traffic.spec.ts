/**
 * The traffic-control plugins (rate-limiting, cors, ip-restriction, request-size-limiting, bot-detection,
 * request-termination) configured through the Admin API and answered by two real proxy replicas (real Kafka and
 * Cassandra): Kong's statuses, bodies and headers through the proxy, rate-limiting's `cluster` budget shared by
 * the replicas, and bad config refused with Kong-shaped errors.
 */
import { CassandraConnection } from '@gantry/cassandra';
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster } from '../support/gantry-cluster';
import { http, type HttpAnswer, type HttpCall } from '../support/http-client';
import { cassandraContactPoints, cassandraLocalDc } from '../support/infra-env';
import { UpstreamServer, startUpstreams, type Echo } from '../support/upstream-server';

jest.setTimeout(300_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let upstream: UpstreamServer;
let cassandra: CassandraConnection;

type PluginBody = { name: string; config?: Record<string, unknown> };

async function created(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await admin.post(path, body);
  expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
  return answer.body as Record<string, unknown>;
}

let routeCount = 0;

/**
 * A new route of its own (so no other test shares its rate-limit counters) on the shared service, with `plugins`
 * on it, applied on every replica.
 */
async function routeWith(name: string, ...plugins: PluginBody[]): Promise<{ path: string; id: string }> {
  const unique = `${name}-${++routeCount}`;
  const route = await created('/services/traffic/routes', { name: unique, paths: [`/${unique}`] });
  for (const plugin of plugins) await created(`/routes/${unique}/plugins`, plugin);
  await cluster.converge();
  return { path: `/${unique}`, id: String(route.id) };
}

function viaProxy(index: number, path: string, call: HttpCall = {}): Promise<HttpAnswer> {
  return http(cluster.proxies[index].url, path, call);
}

/** Both replicas' answers to the same request. */
function onBoth(path: string, call: HttpCall = {}): Promise<HttpAnswer[]> {
  return Promise.all(cluster.proxies.map((proxy) => http(proxy.url, path, call)));
}

const minuteNow = (): number => Math.floor(Date.now() / 60_000);

/**
 * Runs a check that counts requests in one `minute` window. Windows are aligned to UTC minutes, so a check that
 * straddles a minute boundary sees its counts reset halfway. The proxies share this machine's clock: if the
 * minute read here is the same before the first and after the last request, every request was counted in one
 * window. A check that failed while the minute turned is run once more; `check` builds fresh counters (a new
 * route) each time, and a minute has far more room than one check takes, so the second run cannot straddle.
 */
async function inOneMinuteWindow(check: () => Promise<void>): Promise<void> {
  const started = minuteNow();
  try {
    await check();
  } catch (error) {
    if (minuteNow() === started) throw error;
    await check();
  }
}

/**
 * Waits until Cassandra holds `count` requests in the current minute window of the route's `cluster` counters.
 * The `cluster` policy writes a request's increment after answering it (not awaited, as Kong does it in a
 * timer), so without this wait the next request, on the other replica, could read the count before the write
 * lands and let one request too many through. Rows are keyed `ratelimit:<route id>:<service id>:<identifier>:
 * <period>` and hold one count per replica.
 */
async function waitForClusterCount(routeId: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const windowStart = minuteNow() * 60_000;
    const rows = await cassandra.execute(
      `SELECT scope, window_start, count FROM "${cluster.keyspace}".rate_limit_counters`,
    );
    let stored = 0;
    for (const row of rows.rows) {
      const scope = String(row.get('scope'));
      if (!scope.startsWith(`ratelimit:${routeId}:`) || !scope.endsWith(':minute')) continue;
      if (Number(row.get('window_start')) === windowStart) stored += Number(row.get('count'));
    }
    if (stored >= count) return;
    if (Date.now() > deadline) throw new Error(`Cassandra holds ${stored} requests of route ${routeId}, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  [upstream] = await startUpstreams('traffic-up');
  cassandra = new CassandraConnection({ contactPoints: cassandraContactPoints(), localDataCenter: cassandraLocalDc() });
  await cassandra.connect();
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startProxy();
  await created('/services', { name: 'traffic', url: upstream.url });
  await cluster.converge();
});

afterAll(async () => {
  await cluster.stop();
  await cassandra?.close();
  await upstream?.close();
});

describe('rate-limiting', () => {
  it('sends the per-period and RateLimit-* headers, describing the tightest period', async () => {
    const { path } = await routeWith('rl-headers', { name: 'rate-limiting', config: { second: 5, minute: 10 } });
    // The first request of a fresh route: whatever the second or minute, nothing was counted before it.
    const answer = await viaProxy(0, path);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'x-ratelimit-limit-second': '5',
      'x-ratelimit-remaining-second': '4',
      'x-ratelimit-limit-minute': '10',
      'x-ratelimit-remaining-minute': '9',
      'ratelimit-limit': '5',
      'ratelimit-remaining': '4',
      'ratelimit-reset': '1',
    });
    expect(answer.headers['retry-after']).toBeUndefined();
  });

  it('local: counts down, then answers 429 with Retry-After; each replica counts on its own', async () => {
    await inOneMinuteWindow(async () => {
      const { path } = await routeWith('rl-local', { name: 'rate-limiting', config: { minute: 3 } });
      const remaining: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const answer = await viaProxy(0, path);
        expect(answer.status).toBe(200);
        expect(answer.headers).toMatchObject({ 'x-ratelimit-limit-minute': '3', 'ratelimit-limit': '3' });
        expect(answer.headers['ratelimit-remaining']).toBe(answer.headers['x-ratelimit-remaining-minute']);
        const reset = Number(answer.headers['ratelimit-reset']);
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        remaining.push(answer.headers['x-ratelimit-remaining-minute']);
      }
      expect(remaining).toEqual(['2', '1', '0']);

      const limited = await viaProxy(0, path);
      expect(limited.status).toBe(429);
      expect(limited.json).toMatchObject({ message: 'API rate limit exceeded' });
      expect(limited.headers['content-type']).toMatch(/^application\/json/);
      expect(limited.headers).toMatchObject({
        'x-ratelimit-limit-minute': '3',
        'x-ratelimit-remaining-minute': '0',
        'ratelimit-remaining': '0',
      });
      expect(limited.headers['retry-after']).toBe(limited.headers['ratelimit-reset']);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

      // `local` keeps the count in each replica's memory: the other replica has its whole budget.
      const other = await viaProxy(1, path);
      expect(other.status).toBe(200);
      expect(other.headers['x-ratelimit-remaining-minute']).toBe('2');
    });
  });

  it('hide_client_headers sends no rate-limit header, not even Retry-After', async () => {
    await inOneMinuteWindow(async () => {
      const { path } = await routeWith('rl-hidden', {
        name: 'rate-limiting',
        config: { minute: 1, hide_client_headers: true },
      });
      const first = await viaProxy(0, path);
      const second = await viaProxy(0, path);
      expect([first.status, second.status]).toEqual([200, 429]);
      expect(second.json).toMatchObject({ message: 'API rate limit exceeded' });
      for (const answer of [first, second]) {
        const names = Object.keys(answer.headers).filter((name) => /ratelimit|retry-after/.test(name));
        expect(names).toEqual([]);
      }
    });
  });

  it('answers a custom error_code and error_message', async () => {
    await inOneMinuteWindow(async () => {
      const { path } = await routeWith('rl-custom', {
        name: 'rate-limiting',
        config: { minute: 1, error_code: 503, error_message: 'Slow down, please' },
      });
      expect((await viaProxy(0, path)).status).toBe(200);
      const limited = await viaProxy(0, path);
      expect(limited.status).toBe(503);
      expect(limited.json).toMatchObject({ message: 'Slow down, please' });
      expect(limited.headers['retry-after']).toEqual(expect.any(String));
    });
  });

  it('limit_by header gives each header value its own budget (the IP when the header is absent)', async () => {
    await inOneMinuteWindow(async () => {
      const { path } = await routeWith('rl-header', {
        name: 'rate-limiting',
        config: { minute: 2, limit_by: 'header', header_name: 'X-Tenant' },
      });
      const tenant = (name: string) => viaProxy(0, path, { headers: { 'x-tenant': name } });
      const a = [await tenant('a'), await tenant('a'), await tenant('a')].map((answer) => answer.status);
      expect(a).toEqual([200, 200, 429]);
      const b = await tenant('b');
      expect(b.status).toBe(200);
      expect(b.headers['x-ratelimit-remaining-minute']).toBe('1');
      const anonymous = await viaProxy(0, path);
      expect(anonymous.status).toBe(200);
      expect(anonymous.headers['x-ratelimit-remaining-minute']).toBe('1');
    });
  });

  it('cluster: the two replicas share one budget in Cassandra', async () => {
    await inOneMinuteWindow(async () => {
      const route = await routeWith('rl-cluster', { name: 'rate-limiting', config: { minute: 6, policy: 'cluster' } });
      const statuses: number[] = [];
      const remaining: unknown[] = [];
      let allowed = 0;
      // Alternate replicas: 0, 1, 0, 1...
      for (let i = 0; i < 10; i++) {
        const answer = await viaProxy(i % 2, route.path);
        statuses.push(answer.status);
        remaining.push(answer.headers['x-ratelimit-remaining-minute']);
        if (answer.status === 200) await waitForClusterCount(route.id, ++allowed);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
      expect(remaining).toEqual(['5', '4', '3', '2', '1', '0', '0', '0', '0', '0']);
    });
  });
});

describe('cors', () => {
  let path: string;
  const allowed = 'https://app.example.com';

  beforeAll(async () => {
    ({ path } = await routeWith('cors', {
      name: 'cors',
      config: {
        origins: [allowed, 'https://admin.example.com'],
        methods: ['GET', 'POST'],
        headers: ['X-Custom', 'Authorization'],
        exposed_headers: ['X-Echo'],
        max_age: 3600,
        credentials: true,
      },
    }));
  });

  it('answers a preflight itself with 200 and the Access-Control-* headers', async () => {
    const hits = upstream.hits;
    for (const answer of await onBoth(path, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'POST' },
    })) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
      expect(answer.headers).toMatchObject({
        'access-control-allow-origin': allowed,
        'access-control-allow-methods': 'GET,POST',
        'access-control-allow-headers': 'X-Custom,Authorization',
        'access-control-max-age': '3600',
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      });
    }
    expect(upstream.hits).toBe(hits);
  });

  it('adds Access-Control-Allow-Origin and Vary: Origin to a request from an allowed origin', async () => {
    for (const answer of await onBoth(path, { headers: { origin: allowed } })) {
      expect(answer.status).toBe(200);
      expect((answer.json as Echo).upstream).toBe('traffic-up');
      expect(answer.headers).toMatchObject({
        'access-control-allow-origin': allowed,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'X-Echo',
        vary: 'Origin',
      });
    }
  });

  it('gives a disallowed origin no Access-Control-Allow-Origin', async () => {
    const evil = { origin: 'https://evil.example.com' };
    for (const answer of await onBoth(path, { headers: evil })) {
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers.vary).toBe('Origin');
    }
    const preflight = await viaProxy(0, path, {
      method: 'OPTIONS',
      headers: { ...evil, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('ip-restriction', () => {
  it("refuses a denied client (127.0.0.1) with 403 and Kong's message", async () => {
    const { path } = await routeWith('ip-deny', { name: 'ip-restriction', config: { deny: ['127.0.0.1'] } });
    for (const answer of await onBoth(path)) {
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ message: 'IP address not allowed: 127.0.0.1' });
      expect(answer.json.request_id).toEqual(expect.any(String));
    }
  });

  it('lets through a client in an allowed CIDR, with IPv6 entries accepted', async () => {
    const { path } = await routeWith('ip-allow', {
      name: 'ip-restriction',
      config: { allow: ['10.0.0.0/8', '127.0.0.0/8', '2001:db8::/32', '::1'] },
    });
    for (const answer of await onBoth(path)) expect(answer.status).toBe(200);
  });

  it('refuses a client outside the allow list with the configured status and message', async () => {
    const { path } = await routeWith('ip-outside', {
      name: 'ip-restriction',
      config: { allow: ['10.0.0.0/8', 'fd00::/8'], status: 401, message: 'Not from here' },
    });
    for (const answer of await onBoth(path)) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ message: 'Not from here' });
    }
  });
});

describe('request-size-limiting', () => {
  it('refuses a body over allowed_payload_size bytes with 413 and passes one at the limit whole', async () => {
    const { path } = await routeWith('size-bytes', {
      name: 'request-size-limiting',
      config: { allowed_payload_size: 16, size_unit: 'bytes' },
    });
    const fits = await viaProxy(0, path, { method: 'POST', body: 'x'.repeat(16) });
    expect(fits.status).toBe(200);
    expect((fits.json as Echo).bodyLength).toBe(16);
    const tooLarge = await viaProxy(1, path, { method: 'POST', body: 'x'.repeat(17) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json).toMatchObject({ message: 'Request size limit exceeded' });
    // A client waiting for `100 Continue` before sending the body is told 417 instead.
    const waiting = await viaProxy(1, path, {
      method: 'POST',
      headers: { expect: '100-continue' },
      body: 'x'.repeat(17),
    });
    expect(waiting.status).toBe(417);
    expect(waiting.json).toMatchObject({ message: 'Request size limit exceeded' });
  });

  it('counts kilobytes, and checks chunked bodies as they arrive', async () => {
    const { path } = await routeWith('size-kb', {
      name: 'request-size-limiting',
      config: { allowed_payload_size: 2, size_unit: 'kilobytes' },
    });
    const fits = await viaProxy(0, path, { method: 'POST', body: Buffer.alloc(2048, 'a') });
    expect(fits.status).toBe(200);
    expect((fits.json as Echo).bodyLength).toBe(2048);
    const tooLarge = await viaProxy(0, path, { method: 'POST', body: Buffer.alloc(2049, 'a') });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json).toMatchObject({ message: 'Request size limit exceeded' });

    const chunked = { 'transfer-encoding': 'chunked' };
    const chunkedFits = await viaProxy(1, path, { method: 'POST', headers: chunked, body: Buffer.alloc(1500, 'b') });
    expect(chunkedFits.status).toBe(200);
    expect((chunkedFits.json as Echo).bodyLength).toBe(1500);
    const chunkedTooLarge = await viaProxy(1, path, {
      method: 'POST',
      headers: chunked,
      body: Buffer.alloc(4096, 'b'),
    });
    expect(chunkedTooLarge.status).toBe(413);
    expect(chunkedTooLarge.json).toMatchObject({ message: 'Request size limit exceeded' });
  });

  it('answers 411 to a chunked body when require_content_length is set', async () => {
    const { path } = await routeWith('size-length', {
      name: 'request-size-limiting',
      config: { allowed_payload_size: 1, require_content_length: true },
    });
    const chunked = await viaProxy(0, path, {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'small',
    });
    expect(chunked.status).toBe(411);
    expect(chunked.json).toMatchObject({ message: 'A valid Content-Length header is required' });
    const withLength = await viaProxy(0, path, { method: 'POST', body: 'small' });
    expect(withLength.status).toBe(200);
    expect((withLength.json as Echo).bodyLength).toBe(5);
  });
});

describe('bot-detection', () => {
  const googlebot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
  const browser =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

  it('refuses a known bot with 403 and lets a browser through', async () => {
    const { path } = await routeWith('bots', { name: 'bot-detection' });
    for (const answer of await onBoth(path, { headers: { 'user-agent': googlebot } })) {
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ message: 'Forbidden' });
    }
    for (const answer of await onBoth(path, { headers: { 'user-agent': browser } })) expect(answer.status).toBe(200);
  });

  it('lets `allow` override the known bots, and `deny` refuse more', async () => {
    const { path } = await routeWith('bots-lists', {
      name: 'bot-detection',
      config: { allow: ['Googlebot'], deny: ['^curl/'] },
    });
    expect((await viaProxy(0, path, { headers: { 'user-agent': googlebot } })).status).toBe(200);
    const curl = await viaProxy(1, path, { headers: { 'user-agent': 'curl/8.5.0' } });
    expect(curl.status).toBe(403);
    expect(curl.json).toMatchObject({ message: 'Forbidden' });
    expect((await viaProxy(1, path, { headers: { 'user-agent': browser } })).status).toBe(200);
  });
});

describe('request-termination', () => {
  it('answers the configured status and message as JSON', async () => {
    const { path } = await routeWith('term-message', {
      name: 'request-termination',
      config: { status_code: 418, message: 'Closed for tea' },
    });
    const hits = upstream.hits;
    for (const answer of await onBoth(path)) {
      expect(answer.status).toBe(418);
      expect(answer.json).toEqual({ message: 'Closed for tea' });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(upstream.hits).toBe(hits);
  });

  it('answers a raw body with its content_type, and the default 503 message', async () => {
    const raw = await routeWith('term-body', {
      name: 'request-termination',
      config: { status_code: 200, body: '<h1>Maintenance</h1>', content_type: 'text/html' },
    });
    for (const answer of await onBoth(raw.path)) {
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('<h1>Maintenance</h1>');
      expect(answer.headers['content-type']).toBe('text/html');
    }
    const defaults = await routeWith('term-default', { name: 'request-termination' });
    const answer = await viaProxy(0, defaults.path);
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ message: 'Service unavailable' });
  });

  it('with a trigger, terminates only requests naming it in a header or the query', async () => {
    const { path } = await routeWith('term-trigger', {
      name: 'request-termination',
      config: { status_code: 451, message: 'Gone dark', trigger: 'X-Maintenance' },
    });
    expect((await viaProxy(0, path)).status).toBe(200);
    const byHeader = await viaProxy(0, path, { headers: { 'x-maintenance': '1' } });
    expect(byHeader.status).toBe(451);
    expect(byHeader.json).toEqual({ message: 'Gone dark' });
    // Header names are case-insensitive; the query argument is matched by the configured name, as Kong does.
    expect((await viaProxy(1, `${path}?X-Maintenance=1`)).status).toBe(451);
    expect((await viaProxy(1, `${path}?x-maintenance=1`)).status).toBe(200);
  });
});

describe('bad config', () => {
  async function refused(body: PluginBody): Promise<Record<string, unknown>> {
    const answer = await admin.post('/plugins', body);
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status: 400,
      body: { code: 2, name: 'schema violation' },
    });
    return (answer.body as { fields: Record<string, unknown> }).fields;
  }

  it('is refused with a Kong-shaped 400 naming the field, and nothing is applied', async () => {
    const before = await cluster.converge();
    expect(await refused({ name: 'rate-limiting', config: {} })).toEqual({
      '@entity': [
        "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', " +
          "'config.day', 'config.month', 'config.year'",
      ],
    });
    expect(await refused({ name: 'rate-limiting', config: { second: 20, minute: 10 } })).toEqual({
      config: 'The limit for minute(10.0) cannot be lower than the limit for second(20.0)',
    });
    expect(await refused({ name: 'rate-limiting', config: { minute: 0 } })).toMatchObject({
      config: { minute: 'value must be greater than 0' },
    });
    expect(await refused({ name: 'rate-limiting', config: { minute: 5, limit_by: 'header' } })).toMatchObject({
      '@entity': ["failed conditional validation given value of field 'config.limit_by'"],
    });
    expect(await refused({ name: 'cors', config: { origins: ['(bad'] } })).toEqual({
      config: { origins: ["'(bad' is not a valid regex"] },
    });
    expect(await refused({ name: 'cors', config: { methods: ['FETCH'] } })).toMatchObject({
      config: { methods: ['expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT'] },
    });
    expect(await refused({ name: 'ip-restriction', config: {} })).toEqual({
      '@entity': ["at least one of these fields must be non-empty: 'config.allow', 'config.deny'"],
    });
    expect(await refused({ name: 'ip-restriction', config: { deny: ['10.0.0.0/33'] } })).toEqual({
      config: { deny: ["invalid ip or cidr range: '10.0.0.0/33'"] },
    });
    expect(await refused({ name: 'request-size-limiting', config: { size_unit: 'gigabytes' } })).toMatchObject({
      config: { size_unit: 'expected one of: megabytes, kilobytes, bytes' },
    });
    expect(await cluster.converge()).toBe(before);
  });
});
