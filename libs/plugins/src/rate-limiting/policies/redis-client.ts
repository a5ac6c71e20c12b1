import type { Logger } from '@gantry/logging';
import Redis from 'ioredis';
import type { RedisConfig } from '../redis-schema';

/** The pipelined commands the redis policy sends. */
export interface RedisPipelineLike {
  incrby(key: string, increment: number): RedisPipelineLike;
  expire(key: string, seconds: number): RedisPipelineLike;
  exec(): Promise<[error: Error | null, result: unknown][] | null>;
}

/** The Redis commands the redis policy uses: what it needs of an ioredis client. */
export interface RedisLike {
  mget(...keys: string[]): Promise<(string | null)[]>;
  pipeline(): RedisPipelineLike;
}

/** A client borrowed from the pool; `release` once the plugin instance goes away. */
export interface RedisHandle {
  readonly client: RedisLike;
  release(): Promise<void>;
}

/** Makes the client for a plugin instance's `redis` config (replaced by a fake in unit tests). */
export type RedisConnector = (config: RedisConfig, logger: Logger) => RedisHandle;

interface Pooled {
  readonly redis: Redis;
  users: number;
}

/** Instances pointing at the same Redis (host, port, database, credentials, TLS) share one connection. */
const pool = new Map<string, Pooled>();

/** The connector used outside tests: shared ioredis clients, one per distinct `redis` config. */
export const ioredisConnector: RedisConnector = (config, logger) => {
  const key = JSON.stringify([
    config.host,
    config.port,
    config.database,
    config.username,
    config.password,
    config.ssl,
    config.ssl_verify,
    config.server_name,
    config.timeout,
  ]);
  let pooled = pool.get(key);
  if (pooled === undefined) {
    pooled = { redis: connect(config, logger), users: 0 };
    pool.set(key, pooled);
  }
  pooled.users++;
  const entry = pooled;
  let released = false;
  return {
    client: entry.redis,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      pool.delete(key);
      await entry.redis.quit().catch(() => entry.redis.disconnect());
    },
  };
};

function connect(config: RedisConfig, logger: Logger): Redis {
  const redis = new Redis({
    host: config.host ?? '127.0.0.1',
    port: config.port,
    db: config.database,
    username: config.username ?? undefined,
    password: config.password ?? undefined,
    tls: config.ssl
      ? { rejectUnauthorized: config.ssl_verify, servername: config.server_name ?? undefined }
      : undefined,
    connectTimeout: config.timeout,
    // A command waits at most `timeout` (queued while reconnecting included), so a dead Redis costs each request
    // one timeout at most before fault_tolerant lets it through.
    commandTimeout: config.timeout,
    maxRetriesPerRequest: 1,
    // Closing a client whose connection is already gone arms this timer on the dead socket (it is never cleared):
    // keep it short, so a released instance does not hold the event loop for ioredis's default 2 s.
    disconnectTimeout: 100,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error, host: config.host, port: config.port }, 'rate-limiting: Redis connection failed');
  });
  redis.on('ready', () => {
    down = false;
  });
  return redis;
}
