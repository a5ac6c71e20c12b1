import { asText, type JsonValue } from '../json';
import type { Condition, EntityCheck, EntitySchema, FieldDef } from '../schema/types';
import { healthchecksField } from './healthchecks';
import { parseAddress } from './net';
import * as t from './typedefs';

/** Balancing algorithms. */
export const UPSTREAM_ALGORITHMS = ['consistent-hashing', 'least-connections', 'round-robin', 'latency'] as const;
/** Hash inputs of `hash_on` / `hash_fallback`. */
export const HASH_ON = ['none', 'consumer', 'ip', 'header', 'cookie', 'path', 'query_arg', 'uri_capture'] as const;

function validateName(value: JsonValue): string | undefined {
  const name = asText(value);
  const p = parseAddress(name);
  if ('error' in p) return `Invalid name ('${name}'); must be a valid hostname`;
  if (p.type !== 'name') return `Invalid name ('${name}'); no ip addresses allowed`;
  if (p.port !== undefined) return `Invalid name ('${name}'); no port allowed`;
  return undefined;
}

const hashOn: FieldDef = { type: 'string', default: 'none', one_of: HASH_ON };
const simpleParam: FieldDef = { type: 'string' };

function when(ifField: string, value: string, thenField: string, thenMatch: Condition): EntityCheck {
  return {
    conditional: { if_field: ifField, if_match: { match: `^${value}$` }, then_field: thenField, then_match: thenMatch },
  };
}

const required: Condition = { required: true };
const fallbackOtherThan = (hashOnValue: string): EntityCheck =>
  when('hash_on', hashOnValue, 'hash_fallback', { one_of: HASH_ON.filter((h) => h !== hashOnValue) });

/** Kong 3.x `upstreams`, with the cross-field rules between `hash_on`, `hash_fallback` and `hash_on_*`. */
export const upstreamSchema: EntitySchema = {
  name: 'upstreams',
  primary_key: ['id'],
  endpoint_key: 'name',
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['name', { type: 'string', required: true, unique: true, custom_validator: validateName }],
    ['algorithm', { type: 'string', default: 'round-robin', one_of: UPSTREAM_ALGORITHMS }],
    ['hash_on', hashOn],
    ['hash_fallback', hashOn],
    ['hash_on_header', t.headerName],
    ['hash_fallback_header', t.headerName],
    ['hash_on_cookie', t.cookieName],
    ['hash_on_cookie_path', { ...t.path, default: '/' }],
    ['hash_on_query_arg', simpleParam],
    ['hash_fallback_query_arg', simpleParam],
    ['hash_on_uri_capture', simpleParam],
    ['hash_fallback_uri_capture', simpleParam],
    ['slots', { type: 'integer', default: 10000, between: [10, 2 ** 16] }],
    ['healthchecks', healthchecksField],
    ['tags', t.tags],
    ['host_header', t.hostWithOptionalPort],
    ['client_certificate', t.foreign('certificates')],
    ['use_srv_name', { type: 'boolean', default: false }],
  ],
  entity_checks: [
    when('hash_on', 'header', 'hash_on_header', required),
    when('hash_fallback', 'header', 'hash_fallback_header', required),
    when('hash_on', 'cookie', 'hash_on_cookie', required),
    when('hash_fallback', 'cookie', 'hash_on_cookie', required),
    when('hash_on', 'none', 'hash_fallback', { one_of: ['none'] }),
    when('hash_on', 'cookie', 'hash_fallback', { one_of: ['none'] }),
    fallbackOtherThan('consumer'),
    fallbackOtherThan('ip'),
    fallbackOtherThan('path'),
    when('hash_on', 'query_arg', 'hash_on_query_arg', required),
    when('hash_fallback', 'query_arg', 'hash_fallback_query_arg', required),
    { distinct: ['hash_on_query_arg', 'hash_fallback_query_arg'] },
    when('hash_on', 'uri_capture', 'hash_on_uri_capture', required),
    when('hash_fallback', 'uri_capture', 'hash_fallback_uri_capture', required),
    { distinct: ['hash_on_uri_capture', 'hash_fallback_uri_capture'] },
    { distinct: ['hash_on_header', 'hash_fallback_header'] },
  ],
};
