import { typedefs, type RecordField } from '@gantry/config';

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
