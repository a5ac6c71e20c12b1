import { describe, expect, it, jest } from '@jest/globals';
import pino from 'pino';
import type { ClusterCounterStore } from '../runtime/plugin-definition';
import {
  MemoryCounterStore,
  checkPluginConfig,
  createHandler,
  exitJson,
  runAccess,
  runResponse,
  testEnvironment,
  testRequest,
} from '../testing/plugin-harness';
import { FakeRedis } from './fake-redis';
import { rateLimiting, rateLimitingWith, type RateLimitingOptions } from './handler';
import { EMPTY_UUID } from './policies/policy';

/** Thursday 15 February 2024, 10:30:15.250 UTC. */
const T0 = Date.UTC(2024, 1, 15, 10, 30, 15, 250);

function clockAt(start: number): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (value) => (t = value) };
}

function definition(options: RateLimitingOptions = {}) {
  return rateLimitingWith({ now: () => T0, ...options });
}

function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  return { logger, lines };
}

async function hit(handler: ReturnType<typeof createHandler>, request = {}) {
  const kong = await runAccess(handler, testRequest(request));
  const { view } = runResponse(handler, kong, 200);
  return { kong, headers: kong.exited === null ? view.headers : kong.exited.headers };
}

describe('rate-limiting config', () => {
  it('fills in Kong 3.x defaults', () => {
    const check = checkPluginConfig(rateLimiting, { minute: 5 });
    expect(check.ok).toBe(true);
    expect(check.ok && check.config).toEqual({
      second: null,
      minute: 5,
      hour: null,
      day: null,
      month: null,
      year: null,
      limit_by: 'consumer',
      header_name: null,
      path: null,
      policy: 'local',
      fault_tolerant: true,
      redis: {
        host: null,
        port: 6379,
        timeout: 2000,
        username: null,
        password: null,
        database: 0,
        ssl: false,
        ssl_verify: false,
        server_name: null,
      },
      hide_client_headers: false,
      error_code: 429,
      error_message: 'API rate limit exceeded',
      sync_rate: -1,
    });
  });

  it('requires at least one limit', () => {
    expect(checkPluginConfig(rateLimiting, {})).toEqual({
      ok: false,
      errors: {
        '@entity': [
          "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', " +
            "'config.day', 'config.month', 'config.year'",
        ],
      },
    });
  });

  it('rejects limits that shrink as periods grow, and non-positive limits', () => {
    expect(checkPluginConfig(rateLimiting, { second: 20, minute: 10 })).toEqual({
      ok: false,
      errors: { config: 'The limit for minute(10.0) cannot be lower than the limit for second(20.0)' },
    });
    expect(checkPluginConfig(rateLimiting, { minute: 0 })).toMatchObject({
      ok: false,
      errors: { config: { minute: 'value must be greater than 0' } },
    });
  });

  it('requires a Redis host for the redis policy', () => {
    const check = checkPluginConfig(rateLimiting, { minute: 5, policy: 'redis' });
    expect(check).toMatchObject({
      ok: false,
      errors: {
        config: { redis: { host: 'required field missing' } },
        '@entity': ["failed conditional validation given value of field 'config.policy'"],
      },
    });
    expect(checkPluginConfig(rateLimiting, { minute: 5, policy: 'redis', redis: { host: 'redis.local' } }).ok).toBe(
      true,
    );
  });

  it('requires header_name for limit_by header and path for limit_by path', () => {
    expect(checkPluginConfig(rateLimiting, { minute: 5, limit_by: 'header' })).toMatchObject({
      ok: false,
      errors: { config: { header_name: 'required field missing' } },
    });
    expect(checkPluginConfig(rateLimiting, { minute: 5, limit_by: 'path' })).toMatchObject({
      ok: false,
      errors: { config: { path: 'required field missing' } },
    });
    expect(checkPluginConfig(rateLimiting, { minute: 5, limit_by: 'consumer-group' })).toMatchObject({
      ok: false,
      errors: { config: { limit_by: 'expected one of: consumer, credential, ip, service, header, path' } },
    });
  });

  it('only lets the redis policy batch (sync_rate)', () => {
    expect(checkPluginConfig(rateLimiting, { minute: 5, sync_rate: 1 })).toEqual({
      ok: false,
      errors: { config: 'sync_rate can only be used with the redis policy' },
    });
    const redis = { minute: 5, policy: 'redis', redis: { host: 'r' } };
    expect(checkPluginConfig(rateLimiting, { ...redis, sync_rate: 0.01 })).toEqual({
      ok: false,
      errors: { config: 'sync_rate must be greater than 0.02, or -1 to disable' },
    });
    expect(checkPluginConfig(rateLimiting, { ...redis, sync_rate: 0.5 }).ok).toBe(true);
  });
});

describe('rate-limiting (local policy)', () => {
  it('sends the per-period headers and the tightest period as RateLimit-*', async () => {
    const handler = createHandler(definition(), { minute: 3, hour: 10 });
    const { kong, headers } = await hit(handler);
    expect(kong.exited).toBeNull();
    expect(headers).toMatchObject({
      'x-ratelimit-limit-minute': '3',
      'x-ratelimit-remaining-minute': '2',
      'x-ratelimit-limit-hour': '10',
      'x-ratelimit-remaining-hour': '9',
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      // 15.25 s into the minute: 60 - 15.
      'ratelimit-reset': '45',
    });
    expect(headers['retry-after']).toBeUndefined();
  });

  it('prefers the longer window when two periods have as many requests left', async () => {
    const handler = createHandler(definition(), { second: 5, minute: 5 });
    const { headers } = await hit(handler);
    expect(headers).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '4', 'ratelimit-reset': '45' });
  });

  it('answers 429 with Retry-After once a limit is used up, and counts only requests let through', async () => {
    const handler = createHandler(definition(), { minute: 2, hour: 100 });
    await hit(handler);
    const second = await hit(handler);
    expect(second.headers['x-ratelimit-remaining-minute']).toBe('0');
    const third = await hit(handler);
    expect(third.kong.exited?.status).toBe(429);
    expect(exitJson(third.kong)).toEqual({ message: 'API rate limit exceeded', request_id: 'test-request-id' });
    expect(third.headers).toMatchObject({
      'x-ratelimit-limit-minute': '2',
      'x-ratelimit-remaining-minute': '0',
      'x-ratelimit-remaining-hour': '98',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '45',
      'retry-after': '45',
    });
    // The rejected request was not counted: the hour still has 98 left.
    expect((await hit(handler)).headers['x-ratelimit-remaining-hour']).toBe('98');
  });

  it('uses the configured error code and message', async () => {
    const handler = createHandler(definition(), { second: 1, error_code: 503, error_message: 'slow down' });
    await hit(handler);
    const { kong } = await hit(handler);
    expect(kong.exited?.status).toBe(503);
    expect(exitJson(kong)).toMatchObject({ message: 'slow down' });
  });

  it('starts a new window at the period boundary (UTC)', async () => {
    const clock = clockAt(T0);
    const handler = createHandler(rateLimitingWith({ now: clock.now }), { minute: 1 });
    expect((await hit(handler)).kong.exited).toBeNull();
    clock.set(Date.UTC(2024, 1, 15, 10, 30, 59, 999));
    const blocked = await hit(handler);
    expect(blocked.kong.exited?.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('1');
    clock.set(Date.UTC(2024, 1, 15, 10, 31, 0, 0));
    const next = await hit(handler);
    expect(next.kong.exited).toBeNull();
    expect(next.headers['ratelimit-reset']).toBe('60');
  });

  it('aligns months to the calendar: February 2024 has 29 days', async () => {
    const handler = createHandler(definition(), { month: 10 });
    const { headers } = await hit(handler);
    // From Feb 15 10:30:15 to Mar 1 00:00:00.
    const left = (Date.UTC(2024, 2, 1) - Date.UTC(2024, 1, 15, 10, 30, 15)) / 1000;
    expect(headers['ratelimit-reset']).toBe(String(left));
  });

  it('hides the headers (and Retry-After) when asked', async () => {
    const handler = createHandler(definition(), { second: 1, hide_client_headers: true });
    expect((await hit(handler)).headers).toEqual({});
    const { kong } = await hit(handler);
    expect(kong.exited?.status).toBe(429);
    expect(kong.exited?.headers['retry-after']).toBeUndefined();
    expect(kong.exited?.headers['x-ratelimit-limit-second']).toBeUndefined();
  });

  it('limits each consumer separately and falls back to the client IP', async () => {
    const handler = createHandler(definition(), { minute: 1 });
    const as = async (consumerId: string | null, clientIp = '10.0.0.1') => {
      const kong = testRequest({ clientIp });
      if (consumerId !== null) kong.authenticate({ id: consumerId, username: consumerId }, null);
      return (await runAccess(handler, kong)).exited?.status ?? 200;
    };
    expect(await as('alice')).toBe(200);
    expect(await as('alice')).toBe(429);
    expect(await as('bob')).toBe(200);
    expect(await as(null)).toBe(200);
    expect(await as(null)).toBe(429);
    expect(await as(null, '10.0.0.2')).toBe(200);
  });

  it('limits by header value, by path and by service', async () => {
    const byHeader = createHandler(definition(), { minute: 1, limit_by: 'header', header_name: 'X-Tenant' });
    expect((await hit(byHeader, { headers: { 'x-tenant': 'a' } })).kong.exited).toBeNull();
    expect((await hit(byHeader, { headers: { 'x-tenant': 'a' } })).kong.exited?.status).toBe(429);
    expect((await hit(byHeader, { headers: { 'x-tenant': 'b' } })).kong.exited).toBeNull();

    const byPath = createHandler(definition(), { minute: 1, limit_by: 'path', path: '/slow' });
    expect((await hit(byPath, { url: '/slow', clientIp: '1.1.1.1' })).kong.exited).toBeNull();
    expect((await hit(byPath, { url: '/slow', clientIp: '2.2.2.2' })).kong.exited?.status).toBe(429);
    expect((await hit(byPath, { url: '/other', clientIp: '3.3.3.3' })).kong.exited).toBeNull();

    const service = { id: 'svc-1', name: 'svc' };
    const byService = createHandler(definition(), { minute: 1, limit_by: 'service' });
    expect((await hit(byService, { service, clientIp: '1.1.1.1' })).kong.exited).toBeNull();
    expect((await hit(byService, { service, clientIp: '2.2.2.2' })).kong.exited?.status).toBe(429);
  });
});

describe('rate-limiting (cluster policy)', () => {
  it('shares one budget between replicas', async () => {
    const store = new MemoryCounterStore();
    const config = { minute: 3, policy: 'cluster' };
    const replicaA = createHandler(definition(), config, testEnvironment({ clusterCounters: store }));
    const replicaB = createHandler(definition(), config, testEnvironment({ clusterCounters: store }));
    const statuses: number[] = [];
    for (const replica of [replicaA, replicaB, replicaA, replicaB]) {
      const { kong } = await hit(replica);
      statuses.push(kong.exited?.status ?? 200);
      await new Promise((resolve) => setImmediate(resolve)); // the increment is written after the decision
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const minuteStart = Date.UTC(2024, 1, 15, 10, 30);
    const key = `ratelimit:${EMPTY_UUID}:${EMPTY_UUID}:127.0.0.1:minute`;
    expect(await store.current(key, minuteStart)).toBe(3);
  });

  it('counts locally when the replica has no cluster store', async () => {
    const handler = createHandler(
      definition(),
      { second: 1, policy: 'cluster' },
      testEnvironment({ clusterCounters: null }),
    );
    expect((await hit(handler)).kong.exited).toBeNull();
    expect((await hit(handler)).kong.exited?.status).toBe(429);
  });

  it('lets requests through without headers while the store fails, logging once per burst', async () => {
    const failing: ClusterCounterStore = {
      increment: () => Promise.reject(new Error('cassandra down')),
      current: () => Promise.reject(new Error('cassandra down')),
    };
    const { logger, lines } = memoryLogger();
    const handler = createHandler(
      definition(),
      { minute: 1, policy: 'cluster' },
      testEnvironment({ logger, clusterCounters: failing }),
    );
    for (let i = 0; i < 3; i++) {
      const { kong, headers } = await hit(handler);
      expect(kong.exited).toBeNull();
      expect(headers).toEqual({});
    }
    expect(lines.filter((line) => line.msg === 'rate-limiting counters failed')).toHaveLength(1);
  });

  it('answers 500 while the store fails when not fault tolerant', async () => {
    const failing: ClusterCounterStore = {
      increment: () => Promise.reject(new Error('cassandra down')),
      current: () => Promise.reject(new Error('cassandra down')),
    };
    const handler = createHandler(
      definition(),
      { minute: 1, policy: 'cluster', fault_tolerant: false },
      testEnvironment({ clusterCounters: failing }),
    );
    await expect(runAccess(handler, testRequest())).rejects.toThrow('cassandra down');
  });
});

describe('rate-limiting (redis policy)', () => {
  const redisConfig = { minute: 2, policy: 'redis', redis: { host: 'redis.local' } };

  it('shares counters through Redis under Kong-shaped keys, with INCRBY + EXPIRE', async () => {
    const redis = new FakeRedis();
    const a = createHandler(definition({ redis: redis.connector() }), redisConfig, testEnvironment(), {
      routeId: 'route-1',
    });
    const b = createHandler(definition({ redis: redis.connector() }), redisConfig, testEnvironment(), {
      routeId: 'route-1',
    });
    expect((await hit(a)).kong.exited).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await hit(b)).kong.exited).toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await hit(a)).kong.exited?.status).toBe(429);
    const key = `ratelimit:route-1:${EMPTY_UUID}:127.0.0.1:${Date.UTC(2024, 1, 15, 10, 30)}:minute`;
    expect(redis.values.get(key)).toBe(2);
    expect(redis.ttls.get(key)).toBe(60);
  });

  it('batches increments with sync_rate and sends them at the next sync', async () => {
    const redis = new FakeRedis();
    const handler = createHandler(definition({ redis: redis.connector() }), { ...redisConfig, sync_rate: 10 });
    expect((await hit(handler)).kong.exited).toBeNull();
    expect((await hit(handler)).kong.exited).toBeNull();
    expect((await hit(handler)).kong.exited?.status).toBe(429);
    // Counts were read once and nothing was written yet.
    expect(redis.mgets).toBe(1);
    expect(redis.values.size).toBe(0);
    await handler.close?.();
    expect([...redis.values.values()]).toEqual([2]);
  });

  it('syncs every sync_rate seconds on its own', async () => {
    jest.useFakeTimers();
    try {
      const redis = new FakeRedis();
      const handler = createHandler(definition({ redis: redis.connector() }), { ...redisConfig, sync_rate: 2 });
      await hit(handler);
      expect(redis.pipelines).toBe(0);
      await jest.advanceTimersByTimeAsync(2000);
      expect(redis.pipelines).toBe(1);
      expect([...redis.values.values()]).toEqual([1]);
      // The next request reads Redis again (and sees the other replicas' counts).
      redis.values.set([...redis.values.keys()][0], 2);
      expect((await hit(handler)).kong.exited?.status).toBe(429);
    } finally {
      jest.useRealTimers();
    }
  });

  it('lets requests through when Redis fails (fault tolerant)', async () => {
    const redis = new FakeRedis();
    redis.failing = true;
    const handler = createHandler(definition({ redis: redis.connector() }), redisConfig);
    const { kong, headers } = await hit(handler);
    expect(kong.exited).toBeNull();
    expect(headers).toEqual({});
  });
});
