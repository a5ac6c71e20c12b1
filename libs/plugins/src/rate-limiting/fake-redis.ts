import type { RedisConnector, RedisLike, RedisPipelineLike } from './policies/redis-client';

/** An in-memory stand-in for the few Redis commands the redis policy sends (MGET, INCRBY, EXPIRE). */
export class FakeRedis implements RedisLike {
  readonly values = new Map<string, number>();
  readonly ttls = new Map<string, number>();
  failing = false;
  mgets = 0;
  pipelines = 0;

  mget(...keys: string[]): Promise<(string | null)[]> {
    this.mgets++;
    if (this.failing) return Promise.reject(new Error('connection refused'));
    return Promise.resolve(keys.map((key) => (this.values.has(key) ? String(this.values.get(key)) : null)));
  }

  pipeline(): RedisPipelineLike {
    const ops: (() => void)[] = [];
    const pipeline: RedisPipelineLike = {
      incrby: (key, increment) => {
        ops.push(() => this.values.set(key, (this.values.get(key) ?? 0) + increment));
        return pipeline;
      },
      expire: (key, seconds) => {
        ops.push(() => this.ttls.set(key, seconds));
        return pipeline;
      },
      exec: () => {
        this.pipelines++;
        if (this.failing) return Promise.reject(new Error('connection refused'));
        return Promise.resolve(ops.map((op): [Error | null, unknown] => (op(), [null, 'OK'])));
      },
    };
    return pipeline;
  }

  /** A connector handing out this fake. */
  connector(): RedisConnector {
    return () => ({ client: this, release: () => Promise.resolve() });
  }
}
