import { typedefs, type JsonValue, type RecordField, type ShorthandDef, type ShorthandEntry } from '@gantry/config';

/** Kong's shared `redis` record (`kong.tools.redis.schema`): where a plugin's Redis lives. */
export interface RedisConfig {
  readonly host: string | null;
  readonly port: number;
  readonly timeout: number;
  readonly username: string | null;
  readonly password: string | null;
  readonly database: number;
  readonly ssl: boolean;
  readonly ssl_verify: boolean;
  readonly server_name: string | null;
}

export const redisRecord: RecordField = {
  type: 'record',
  required: true,
  fields: [
    ['host', typedefs.host],
    ['port', { ...typedefs.port, default: 6379 }],
    ['timeout', { type: 'integer', default: 2000, between: [0, 2 ** 31 - 2] }],
    ['username', { type: 'string' }],
    ['password', { type: 'string', len_min: 0 }],
    ['database', { type: 'integer', default: 0 }],
    ['ssl', { type: 'boolean', default: false }],
    ['ssl_verify', { type: 'boolean', default: false }],
    ['server_name', typedefs.sni],
  ],
};

/** What a deprecated flat `redis_*` field sets in the `redis` record. */
const FLAT_REDIS_FIELDS: readonly (readonly [string, ShorthandDef['type'], string])[] = [
  ['redis_host', 'string', 'host'],
  ['redis_port', 'integer', 'port'],
  ['redis_password', 'string', 'password'],
  ['redis_username', 'string', 'username'],
  ['redis_ssl', 'boolean', 'ssl'],
  ['redis_ssl_verify', 'boolean', 'ssl_verify'],
  ['redis_server_name', 'string', 'server_name'],
  ['redis_timeout', 'integer', 'timeout'],
  ['redis_database', 'integer', 'database'],
];

/**
 * Kong 3.6 moved rate-limiting's `redis_*` fields into the `redis` record and kept the old names as shorthands:
 * configs (and decK files) written before still load, each flat field setting its part of the record.
 */
export const flatRedisShorthands: readonly ShorthandEntry[] = FLAT_REDIS_FIELDS.map(([name, type, field]) => [
  name,
  { type, func: (value: JsonValue) => ({ redis: { [field]: value } }) },
]);
