import { typedefs, type JsonObject, type PluginSchema } from '@gantry/config';
import { protocolsHttp } from '../shared/schema-parts';
import { PERIODS, type Period } from './periods';
import { flatRedisShorthands, redisRecord, type RedisConfig } from './redis-schema';

export const LIMIT_BY = ['consumer', 'credential', 'ip', 'service', 'header', 'path'] as const;
export const POLICIES = ['local', 'cluster', 'redis'] as const;
/** `sync_rate` meaning "read and write the shared counters on every request". */
export const SYNC_RATE_REALTIME = -1;

/** rate-limiting's config, with Kong 3.x's fields and defaults. */
export type RateLimitingConfig = Readonly<Record<Period, number | null>> & {
  readonly limit_by: (typeof LIMIT_BY)[number];
  readonly header_name: string | null;
  readonly path: string | null;
  readonly policy: (typeof POLICIES)[number];
  readonly fault_tolerant: boolean;
  readonly redis: RedisConfig;
  readonly hide_client_headers: boolean;
  readonly error_code: number;
  readonly error_message: string;
  readonly sync_rate: number;
};

/** Kong's record-level check: limits must not shrink as periods grow, and `sync_rate` only batches Redis. */
function periodsAndSyncRate(value: unknown): string | undefined {
  const config = value as JsonObject;
  for (let i = 0; i < PERIODS.length; i++) {
    const lower = config[PERIODS[i]];
    if (typeof lower !== 'number') continue;
    for (let j = i + 1; j < PERIODS.length; j++) {
      const upper = config[PERIODS[j]];
      if (typeof upper === 'number' && upper < lower) {
        return (
          `The limit for ${PERIODS[j]}(${upper.toFixed(1)}) cannot be lower than ` +
          `the limit for ${PERIODS[i]}(${lower.toFixed(1)})`
        );
      }
    }
  }
  const syncRate = config.sync_rate;
  if (typeof syncRate !== 'number' || syncRate === SYNC_RATE_REALTIME) return undefined;
  if (config.policy !== 'redis') return 'sync_rate can only be used with the redis policy';
  if (syncRate < 0.02) return 'sync_rate must be greater than 0.02, or -1 to disable';
  return undefined;
}

const whenPolicyRedis = (field: string) => ({
  conditional: {
    if_field: 'config.policy',
    if_match: { eq: 'redis' },
    then_field: `config.redis.${field}`,
    then_match: { required: true },
  },
});

export const rateLimitingSchema: PluginSchema = {
  fields: [
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ...PERIODS.map((period) => [period, { type: 'number', gt: 0 }] as const),
          ['limit_by', { type: 'string', default: 'consumer', one_of: LIMIT_BY }],
          ['header_name', typedefs.headerName],
          ['path', typedefs.path],
          ['policy', { type: 'string', default: 'local', len_min: 0, one_of: POLICIES }],
          ['fault_tolerant', { type: 'boolean', required: true, default: true }],
          ['redis', redisRecord],
          ['hide_client_headers', { type: 'boolean', required: true, default: false }],
          ['error_code', { type: 'number', default: 429, gt: 0 }],
          ['error_message', { type: 'string', default: 'API rate limit exceeded' }],
          ['sync_rate', { type: 'number', required: true, default: SYNC_RATE_REALTIME }],
        ],
        custom_validator: periodsAndSyncRate,
        shorthand_fields: flatRedisShorthands,
      },
    ],
  ],
  entity_checks: [
    { at_least_one_of: PERIODS.map((period) => `config.${period}`) },
    whenPolicyRedis('host'),
    whenPolicyRedis('port'),
    whenPolicyRedis('timeout'),
    {
      conditional: {
        if_field: 'config.limit_by',
        if_match: { eq: 'header' },
        then_field: 'config.header_name',
        then_match: { required: true },
      },
    },
    {
      conditional: {
        if_field: 'config.limit_by',
        if_match: { eq: 'path' },
        then_field: 'config.path',
        then_match: { required: true },
      },
    },
  ],
};
