import { describe, expect, it } from '@jest/globals';
import { checkPluginConfig } from '../testing/plugin-harness';
import { rateLimiting } from './handler';

describe('rate-limiting flat redis_* fields (Kong < 3.6 configs and decK files)', () => {
  it('set their part of the redis record, merged with what the record gives', () => {
    const check = checkPluginConfig(rateLimiting, {
      minute: 5,
      policy: 'redis',
      redis_host: 'redis.internal',
      redis_port: 6380,
      redis_ssl: true,
      redis: { database: 2 },
    });
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.config.redis).toMatchObject({ host: 'redis.internal', port: 6380, ssl: true, database: 2 });
      expect(check.config.redis_host).toBeUndefined();
    }
  });

  it('accept nulls (what Kong returns for unset ones) and refuse wrong types naming the field', () => {
    expect(checkPluginConfig(rateLimiting, { minute: 5, redis_host: null, redis_port: null }).ok).toBe(true);
    expect(checkPluginConfig(rateLimiting, { minute: 5, redis_port: 'x' })).toEqual({
      ok: false,
      errors: { config: { redis_port: 'expected an integer' } },
    });
  });
});
