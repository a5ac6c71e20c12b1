import type { JsonObject, JsonValue } from '../json';
import type { EntitySchema, ScalarField } from '../schema/types';
import * as t from './typedefs';

const nonzeroTimeout = (fallback: number): ScalarField => ({
  type: 'integer',
  between: [1, 2 ** 31 - 2],
  default: fallback,
});

const DEFAULT_PROTOCOL = 'http';
const DEFAULT_PORT = 80;
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)/;

/**
 * Kong's `url` shorthand: `https://example.com:8443/api` sets protocol, host, port and path. A missing port
 * follows the scheme (80/443), a missing path becomes null.
 */
export function expandServiceUrl(value: JsonValue): JsonObject | undefined {
  if (typeof value !== 'string') return undefined;
  const m = URL_RE.exec(value);
  if (m === null) return undefined;
  const protocol = m[1].toLowerCase();
  const host = m[2].startsWith('[') ? m[2].slice(1, -1) : m[2];
  const explicitPort = m[3] !== undefined && m[3] !== '' ? Number(m[3]) : undefined;
  const port = explicitPort ?? (protocol === 'https' ? 443 : protocol === 'http' ? 80 : DEFAULT_PORT);
  return {
    protocol,
    host: host === '' ? null : host,
    port,
    path: m[4] !== undefined && m[4] !== '' ? m[4] : null,
  };
}

const TLS_PROTOCOLS = ['https', 'tls'];

/** Kong 3.x `services`. */
export const serviceSchema: EntitySchema = {
  name: 'services',
  primary_key: ['id'],
  endpoint_key: 'name',
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['name', t.utf8Name],
    ['retries', { type: 'integer', default: 5, between: [0, 32767] }],
    ['protocol', { ...t.protocol, required: true, default: DEFAULT_PROTOCOL }],
    ['host', { ...t.host, required: true }],
    ['port', { ...t.port, required: true, default: DEFAULT_PORT }],
    ['path', t.path],
    ['connect_timeout', nonzeroTimeout(60000)],
    ['write_timeout', nonzeroTimeout(60000)],
    ['read_timeout', nonzeroTimeout(60000)],
    ['tags', t.tags],
    ['client_certificate', t.foreign('certificates')],
    ['tls_verify', { type: 'boolean' }],
    ['tls_verify_depth', { type: 'integer', default: null, between: [0, 64] }],
    ['ca_certificates', { type: 'array', elements: { type: 'string', uuid: true } }],
    ['enabled', { type: 'boolean', required: true, default: true }],
  ],
  entity_checks: [
    {
      conditional: {
        if_field: 'protocol',
        if_match: { one_of: ['tcp', 'tls', 'udp', 'grpc', 'grpcs'] },
        then_field: 'path',
        then_match: { eq: null },
      },
    },
    ...['client_certificate', 'tls_verify', 'tls_verify_depth', 'ca_certificates'].map((field) => ({
      conditional: {
        if_field: 'protocol',
        if_match: { not_one_of: TLS_PROTOCOLS },
        then_field: field,
        then_match: { eq: null },
      },
    })),
  ],
  shorthand_fields: [['url', { type: 'string', func: expandServiceUrl }]],
};
