import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import Redis from 'ioredis';
import pino from 'pino';
import { PluginExchange } from '../../apps/proxy/src/gateway/plugin-exchange';
import { rateLimitingWith } from '../../libs/plugins/src/rate-limiting/handler';
import { EMPTY_UUID } from '../../libs/plugins/src/rate-limiting/policies/policy';
import { PluginChain } from '../../libs/plugins/src/runtime/plugin-chain';
import type { PluginHandler } from '../../libs/plugins/src/runtime/plugin-definition';
import type { PluginRequest } from '../../libs/plugins/src/runtime/plugin-request';
import {
  createHandler,
  exitJson,
  runAccess,
  runResponse,
  testEnvironment,
  testRequest,
} from '../../libs/plugins/src/testing/plugin-harness';
import { redisUrl } from '../support/infra-env';

jest.setTimeout(30_000);

/**
 * The clock is fixed (10:30:15.250 UTC): every request of a test falls in the same minute window, however slow
 * the machine, while Redis still applies the real TTLs the policy sets (EXPIRE is relative).
 */
const T0 = Date.UTC(2024, 1, 15, 10, 30, 15, 250);
const MINUTE = Date.UTC(2024, 1, 15, 10, 30);
const rateLimiting = rateLimitingWith({ now: () => T0 });

/** The test Redis as a plugin's `redis` record (host, port, database and credentials from GANTRY_REDIS_URL). */
function redisRecord(): Record<string, string | number | boolean | null> {
  const url = new URL(redisUrl());
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    database: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    username: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    ssl: url.protocol === 'rediss:',
  };
}

let redis: Redis;
const handlers: PluginHandler[] = [];

/** One gateway replica's instance of the plugin on `routeId` (closed after the test: it releases its client). */
function replica(config: Record<string, unknown>, routeId: string): PluginHandler {
  const handler = createHandler(rateLimiting, config as never, testEnvironment(), { routeId });
  handlers.push(handler);
  return handler;
}

/** Kong's counter key for the client 127.0.0.1 on `routeId` (no service). */
const keyOf = (routeId: string, windowStart: number, period: string) =>
  `ratelimit:${routeId}:${EMPTY_UUID}:127.0.0.1:${windowStart}:${period}`;

/** The increment is sent after the decision: wait until Redis holds `count` before the next request. */
async function counted(key: string, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await redis.get(key);
    if (Number(value ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`${key} is ${value}, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Access then header_filter, as the gateway runs them on an upstream 200; returns what the client would get. */
async function hit(handler: PluginHandler) {
  const kong = await runAccess(handler, testRequest());
  if (kong.exited !== null) return { status: kong.exited.status, headers: kong.exited.headers, kong };
  const { view } = runResponse(handler, kong, 200);
  return { status: 200, headers: view.headers, kong };
}

/** The gateway's access path: a throwing access phase becomes Kong's 500 (PluginExchange.failed). */
async function throughGateway(handler: PluginHandler): Promise<PluginRequest> {
  const logger = pino({ level: 'silent' });
  const instance = { id: randomUUID(), name: 'rate-limiting', priority: 910, handler, protocols: null };
  const chain = new PluginChain([{ name: instance.name, priority: 910, fallback: instance, byConsumer: null }], logger);
  const exchange = new PluginExchange(testRequest(), chain, 'gantry', logger);
  try {
    await chain.access(exchange.kong);
  } catch (error) {
    exchange.failed(error);
  }
  return exchange.kong;
}

/** A local port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(() => {
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  for (const handler of handlers.splice(0)) await handler.close?.();
});

afterAll(async () => {
  await redis.quit();
});

describe('rate-limiting, redis policy, against a real Redis', () => {
  it('gives two replicas one budget: exactly 5 requests a minute pass, then 429 with Kong headers', async () => {
    const routeId = randomUUID();
    const config = { minute: 5, policy: 'redis' };
    // Distinct `timeout`s give each replica its own connection (the client pool is keyed by the whole record).
    const a = replica({ ...config, redis: { ...redisRecord(), timeout: 2000 } }, routeId);
    const b = replica({ ...config, redis: { ...redisRecord(), timeout: 2001 } }, routeId);
    const key = keyOf(routeId, MINUTE, 'minute');

    const remaining: string[] = [];
    for (const [i, replicaHandler] of [a, b, a, b, a].entries()) {
      const { status, headers } = await hit(replicaHandler);
      expect(status).toBe(200);
      remaining.push(String(headers['x-ratelimit-remaining-minute']));
      await counted(key, i + 1);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    for (const replicaHandler of [b, a]) {
      const { status, headers, kong } = await hit(replicaHandler);
      expect(status).toBe(429);
      expect(exitJson(kong)).toEqual({ message: 'API rate limit exceeded', request_id: kong.requestId });
      expect(headers).toMatchObject({
        'x-ratelimit-limit-minute': '5',
        'x-ratelimit-remaining-minute': '0',
        'ratelimit-limit': '5',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '45', // 60 s window, 15 s into it
        'retry-after': '45',
      });
    }
    // Refused requests are not counted.
    expect(await redis.get(key)).toBe('5');
  });

  it('writes Kong-shaped keys that expire with their window', async () => {
    const routeId = randomUUID();
    const handler = replica({ minute: 10, hour: 20, day: 30, policy: 'redis', redis: redisRecord() }, routeId);
    expect((await hit(handler)).status).toBe(200);
    const day = Date.UTC(2024, 1, 15);
    const hour = Date.UTC(2024, 1, 15, 10);
    await counted(keyOf(routeId, day, 'day'), 1);

    const keys = (await redis.keys(`ratelimit:${routeId}:*`)).sort();
    expect(keys).toEqual(
      [keyOf(routeId, MINUTE, 'minute'), keyOf(routeId, hour, 'hour'), keyOf(routeId, day, 'day')].sort(),
    );
    const ttl = async (key: string) => redis.ttl(key);
    expect(await ttl(keyOf(routeId, MINUTE, 'minute'))).toBeGreaterThan(0);
    expect(await ttl(keyOf(routeId, MINUTE, 'minute'))).toBeLessThanOrEqual(60);
    expect(await ttl(keyOf(routeId, hour, 'hour'))).toBeGreaterThan(60);
    expect(await ttl(keyOf(routeId, hour, 'hour'))).toBeLessThanOrEqual(3600);
    expect(await ttl(keyOf(routeId, day, 'day'))).toBeGreaterThan(3600);
    expect(await ttl(keyOf(routeId, day, 'day'))).toBeLessThanOrEqual(86_400);
  });

  it('batches with sync_rate: counts reach Redis at the sync, and the next replica sees them', async () => {
    const routeId = randomUUID();
    const config = { minute: 5, policy: 'redis', sync_rate: 10, redis: redisRecord() };
    const key = keyOf(routeId, MINUTE, 'minute');
    const first = replica(config, routeId);
    for (let i = 0; i < 3; i++) expect((await hit(first)).status).toBe(200);
    expect(await redis.get(key)).toBeNull(); // nothing sent before the sync
    await first.close?.(); // closing syncs what is pending
    expect(await redis.get(key)).toBe('3');
    expect(await redis.ttl(key)).toBeGreaterThan(0);

    const second = replica(config, routeId);
    expect((await hit(second)).status).toBe(200);
    expect((await hit(second)).status).toBe(200);
    expect((await hit(second)).status).toBe(429);
  });

  it('lets requests through, without rate-limit headers, when Redis is unreachable and fault_tolerant', async () => {
    const handler = replica(
      {
        minute: 1,
        policy: 'redis',
        fault_tolerant: true,
        redis: { host: '127.0.0.1', port: await deadPort(), timeout: 500 },
      },
      randomUUID(),
    );
    for (let i = 0; i < 2; i++) {
      const { status, headers } = await hit(handler);
      expect(status).toBe(200);
      expect(headers).toEqual({});
    }
  });

  it('answers 500 when Redis is unreachable and not fault_tolerant', async () => {
    const handler = replica(
      {
        minute: 1,
        policy: 'redis',
        fault_tolerant: false,
        redis: { host: '127.0.0.1', port: await deadPort(), timeout: 500 },
      },
      randomUUID(),
    );
    const kong = await throughGateway(handler);
    expect(kong.exited?.status).toBe(500);
    expect(exitJson(kong)).toEqual({ message: 'An unexpected error occurred', request_id: kong.requestId });
  });
});
