import type { Period } from '../periods';
import type { Windows } from '../windows';
import type { RateLimitPolicy } from './policy';
import type { RedisLike } from './redis-client';

/** A counter as this replica knows it between two syncs (`sync_rate` > 0). */
interface BatchedCounter {
  readonly key: string;
  /** Redis's value when last read; null until read. */
  base: number | null;
  /** Requests counted here and not yet sent. */
  delta: number;
  readonly ttlSeconds: number;
  /** The window's end: the counter is not used past it. */
  readonly endsAt: number;
}

export interface RedisPolicyOptions {
  readonly client: RedisLike;
  readonly periods: readonly Period[];
  /** `ratelimit:<route>:<service>:`. */
  readonly prefix: string;
  /** Seconds between syncs, or -1 to read and write Redis on every request. */
  readonly syncRate: number;
  readonly now: () => number;
  /** A batched sync failed (its counts are dropped, as Kong drops them). */
  readonly onSyncError: (error: unknown) => void;
}

/**
 * Kong's `redis` policy. Keys are Kong's (`ratelimit:<route>:<service>:<identifier>:<window start>:<period>`), so
 * a fleet mixing Kong and Gantry nodes shares its counters. With `sync_rate` -1, each request reads the counts
 * (one MGET) and, when let through, adds itself with INCRBY + EXPIRE per window in one pipeline. With a positive
 * `sync_rate`, counts are read once per sync interval and the increments sent in one pipeline every `sync_rate`
 * seconds: cheaper, and as approximate as Kong's (other replicas' requests show up at the next sync).
 */
export class RedisPolicy implements RateLimitPolicy {
  private readonly client: RedisLike;
  private readonly batched: boolean;
  private counters = new Map<string, BatchedCounter>();
  private syncTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: RedisPolicyOptions) {
    this.client = options.client;
    this.batched = options.syncRate > 0;
  }

  usage(identifier: string, windows: Windows): readonly number[] | Promise<readonly number[]> {
    const keys = this.keys(identifier, windows);
    if (!this.batched) return this.client.mget(...keys).then(counts);
    const now = this.options.now();
    const held = keys.map((key, i) => this.counter(key, windows, i, now));
    const unread = held.filter((counter) => counter.base === null);
    if (unread.length === 0) return held.map(total);
    return this.client.mget(...unread.map((counter) => counter.key)).then((values) => {
      // A concurrent request may have read it meanwhile; either value is as fresh.
      unread.forEach((counter, i) => (counter.base ??= Number(values[i] ?? 0)));
      return held.map(total);
    });
  }

  increment(identifier: string, windows: Windows): void | Promise<void> {
    const keys = this.keys(identifier, windows);
    if (!this.batched) {
      const pipeline = this.client.pipeline();
      for (let i = 0; i < keys.length; i++) {
        pipeline.incrby(keys[i], 1).expire(keys[i], ttlSeconds(windows, i));
      }
      return pipeline.exec().then(throwFirstError);
    }
    const now = this.options.now();
    for (let i = 0; i < keys.length; i++) this.counter(keys[i], windows, i, now).delta++;
  }

  /** Sends the batched increments now (the instance is closing). */
  async close(): Promise<void> {
    if (this.syncTimer !== null) clearTimeout(this.syncTimer);
    await this.sync();
  }

  /**
   * Sends every pending delta in one pipeline and forgets the local counts, so the next requests read Redis
   * again and see the other replicas' requests too.
   */
  async sync(): Promise<void> {
    this.syncTimer = null;
    const batch = this.counters;
    this.counters = new Map();
    const pipeline = this.client.pipeline();
    let pending = 0;
    for (const [key, counter] of batch) {
      if (counter.delta === 0) continue;
      pipeline.incrby(key, counter.delta).expire(key, counter.ttlSeconds);
      pending++;
    }
    if (pending === 0) return;
    try {
      throwFirstError(await pipeline.exec());
    } catch (error) {
      this.options.onSyncError(error);
    }
  }

  private keys(identifier: string, windows: Windows): string[] {
    const { periods, prefix } = this.options;
    const keys = new Array<string>(periods.length);
    for (let i = 0; i < periods.length; i++) keys[i] = `${prefix}${identifier}:${windows.starts[i]}:${periods[i]}`;
    return keys;
  }

  private counter(key: string, windows: Windows, i: number, now: number): BatchedCounter {
    let counter = this.counters.get(key);
    if (counter === undefined || counter.endsAt <= now) {
      counter = { key, base: null, delta: 0, ttlSeconds: ttlSeconds(windows, i), endsAt: windows.ends[i] };
      this.counters.set(key, counter);
      // Every sync empties the map, so what is held locally never outlives one interval.
      if (this.syncTimer === null) {
        this.syncTimer = setTimeout(() => void this.sync(), this.options.syncRate * 1000);
        this.syncTimer.unref();
      }
    }
    return counter;
  }
}

function total(counter: BatchedCounter): number {
  return (counter.base ?? 0) + counter.delta;
}

function counts(values: (string | null)[]): number[] {
  return values.map((value) => (value === null ? 0 : Number(value)));
}

function ttlSeconds(windows: Windows, i: number): number {
  return Math.ceil((windows.ends[i] - windows.starts[i]) / 1000);
}

function throwFirstError(results: [Error | null, unknown][] | null): void {
  if (results === null) return;
  for (const [error] of results) if (error !== null) throw error;
}
