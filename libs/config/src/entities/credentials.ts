import { asText, type JsonValue } from '../json';
import type { EntitySchema, FieldEntry } from '../schema/types';
import { isLoadableKey } from './pem';
import * as t from './typedefs';

/** Kong's limit on entity TTLs (`DAO_MAX_TTL`). */
export const MAX_TTL = 100_000_000;

function base(extra: readonly FieldEntry[]): readonly FieldEntry[] {
  return [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['consumer', t.foreign('consumers', { required: true, on_delete: 'cascade' })],
    ...extra,
    ['tags', t.tags],
  ];
}

/** key-auth credentials; `key` is generated when omitted; `ttl` (seconds) makes it expire `ttl` after creation. */
export const keyauthSchema: EntitySchema = {
  name: 'keyauth_credentials',
  primary_key: ['id'],
  endpoint_key: 'key',
  admin_api_name: 'key-auths',
  admin_api_nested_name: 'key-auth',
  fields: base([
    ['key', { type: 'string', unique: true, auto: true }],
    ['ttl', { type: 'integer', between: [0, MAX_TTL] }],
  ]),
};

/** basic-auth credentials; the password is stored only as a scrypt hash. */
export const basicauthSchema: EntitySchema = {
  name: 'basicauth_credentials',
  primary_key: ['id'],
  endpoint_key: 'username',
  admin_api_name: 'basic-auths',
  admin_api_nested_name: 'basic-auth',
  fields: base([
    ['username', { type: 'string', required: true, unique: true }],
    ['password', { type: 'string', required: true }],
  ]),
};

/** Algorithms of the jwt plugin. */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] as const;

/** jwt credentials; `key` (matched against the `iss` claim) and `secret` are generated when omitted. */
export const jwtSchema: EntitySchema = {
  name: 'jwt_secrets',
  primary_key: ['id'],
  endpoint_key: 'key',
  admin_api_name: 'jwts',
  admin_api_nested_name: 'jwt',
  fields: base([
    ['key', { type: 'string', unique: true, auto: true }],
    ['secret', { type: 'string', auto: true }],
    ['rsa_public_key', { type: 'string' }],
    ['algorithm', { type: 'string', default: 'HS256', one_of: JWT_ALGORITHMS }],
  ]),
  entity_checks: [
    {
      conditional: {
        if_field: 'algorithm',
        if_match: { match: '^(RS|ES|PS)\\d+$|^EdDSA$' },
        then_field: 'rsa_public_key',
        then_match: {
          required: true,
          custom_validator: (v: JsonValue) => (isLoadableKey(asText(v)) ? undefined : 'invalid key'),
        },
      },
    },
  ],
};

/** acl group memberships; a consumer is in a group at most once. */
export const aclSchema: EntitySchema = {
  name: 'acls',
  primary_key: ['id'],
  cache_key: ['consumer', 'group'],
  admin_api_name: 'acls',
  admin_api_nested_name: 'acls',
  fields: base([['group', { type: 'string', required: true }]]),
};

/** hmac-auth credentials; `secret` is generated when omitted. */
export const hmacauthSchema: EntitySchema = {
  name: 'hmacauth_credentials',
  primary_key: ['id'],
  endpoint_key: 'username',
  admin_api_name: 'hmac-auths',
  admin_api_nested_name: 'hmac-auth',
  fields: base([
    ['username', { type: 'string', required: true, unique: true }],
    ['secret', { type: 'string', auto: true }],
  ]),
};
