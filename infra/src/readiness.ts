import { Client } from 'cassandra-driver';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects if `promise` has not settled after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kafka is ready when an admin client gets cluster metadata with at least one broker. */
export async function probeKafka(brokers: readonly string[], timeoutMs = 5_000): Promise<string> {
  const kafka = new Kafka({
    brokers: [...brokers],
    clientId: 'gantry-infra-probe',
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    const cluster = await withTimeout(
      (async () => {
        await admin.connect();
        return admin.describeCluster();
      })(),
      timeoutMs,
      'Kafka metadata request',
    );
    if (cluster.brokers.length === 0) throw new Error('the cluster reports no broker yet');
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller ?? '-'}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Cassandra is ready when `SELECT release_version FROM system.local` answers over CQL. */
export async function probeCassandra(
  contactPoints: readonly string[],
  localDataCenter: string,
  timeoutMs = 5_000,
): Promise<string> {
  const client = new Client({
    contactPoints: [...contactPoints],
    localDataCenter,
    socketOptions: { connectTimeout: Math.min(timeoutMs, 3_000), readTimeout: timeoutMs },
    pooling: { warmup: false },
  });
  try {
    const result = await withTimeout(
      (async () => {
        await client.connect();
        return client.execute('SELECT release_version, data_center FROM system.local');
      })(),
      timeoutMs,
      'CQL query',
    );
    const row = result.first();
    return `release ${String(row.get('release_version'))}, data centre ${String(row.get('data_center'))}`;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/**
 * Redis is ready when PING answers PONG (ioredis's ready check has waited out any dataset loading first). `url`
 * is `redis://[user:password@]host:port[/db]` (or `rediss://`).
 */
export async function probeRedis(url: string, timeoutMs = 5_000): Promise<string> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: Math.min(timeoutMs, 3_000),
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis rejects connect() with a bare "Connection is closed"; the event says why (refused, WRONGPASS...).
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause = error));
  try {
    return await withTimeout(
      (async () => {
        await redis.connect().catch((error: Error) => {
          throw cause ?? error;
        });
        const pong: string = await redis.ping();
        if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
        const version = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? '?';
        return `redis ${version}, PING answered PONG`;
      })(),
      timeoutMs,
      'Redis PING',
    );
  } finally {
    // Once the connection has failed ('end'), disconnect() would only arm a 2 s timer that holds the event loop.
    if (redis.status !== 'end') redis.disconnect();
  }
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked before each attempt; a process that died makes the wait fail at once. */
  readonly stillRunning?: () => boolean;
  readonly what: string;
}

/** One readiness attempt, given how long it may take; resolves with a description of what answered. */
export type Probe = (timeoutMs: number) => Promise<string>;

/** Retries `probe` until it resolves or the time is up; returns its answer and how long it took. */
export async function waitUntilReady(probe: Probe, options: WaitOptions): Promise<{ detail: string; ms: number }> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let lastError = 'no attempt made';
  for (;;) {
    if (options.stillRunning && !options.stillRunning()) {
      throw new Error(`${options.what}: the process exited before it was ready (last probe: ${lastError})`);
    }
    try {
      const detail = await probe(Math.max(1_000, Math.min(10_000, deadline - Date.now())));
      return { detail, ms: Date.now() - started };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(`${options.what} was not ready after ${Math.round(options.timeoutMs / 1000)} s: ${lastError}`);
    }
    await sleep(options.intervalMs ?? 500);
  }
}
