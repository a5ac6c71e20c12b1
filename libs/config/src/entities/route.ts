import type { JsonObject, JsonValue } from '../json';
import { quotedList } from '../schema/messages';
import { isNonEmpty } from '../schema/paths';
import type { EntitySchema } from '../schema/types';
import * as t from './typedefs';

const TLS_ROUTE_PROTOCOLS = ['grpcs', 'https', 'tls', 'tls_passthrough'];
const STREAM = ['tcp', 'tls', 'udp', 'tls_passthrough'];
const GRPC = ['grpc', 'grpcs'];

function protocolsOf(entity: JsonObject): string[] {
  const p = entity.protocols;
  return Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [];
}

function family(protocols: readonly string[]): 'http' | 'stream' | 'grpc' | undefined {
  for (const p of protocols) {
    if (p === 'http' || p === 'https') return 'http';
    if (STREAM.includes(p)) return 'stream';
    if (GRPC.includes(p)) return 'grpc';
  }
  return undefined;
}

function atLeastOne(entity: JsonObject, names: readonly string[]): boolean {
  return names.some((n) => isNonEmpty(entity[n]));
}

function mustBeUnset(entity: JsonObject, names: readonly string[], when: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (entity[n] !== null && entity[n] !== undefined) out[n] = `cannot set '${n}' when ${when}`;
  return out;
}

/**
 * Kong's per-protocol route rules (its `routes_subschemas`): which matching fields a route needs and which it
 * may not set, given its protocols.
 */
function protocolRules(entity: JsonObject): string | Readonly<Record<string, string>> | undefined {
  const protocols = protocolsOf(entity);
  switch (family(protocols)) {
    case 'http': {
      const forbidden = mustBeUnset(entity, ['sources', 'destinations'], "'protocols' is 'http' or 'https'");
      if (Object.keys(forbidden).length > 0) return forbidden;
      const https = protocols.includes('https');
      const names = https ? ['methods', 'hosts', 'headers', 'paths', 'snis'] : ['methods', 'hosts', 'headers', 'paths'];
      if (!atLeastOne(entity, names)) {
        return `must set one of ${quotedList(names)} when 'protocols' is '${https ? 'https' : 'http'}'`;
      }
      return undefined;
    }
    case 'stream': {
      const when = "'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'";
      const forbidden = mustBeUnset(entity, ['methods', 'hosts', 'paths', 'headers'], when);
      if (Object.keys(forbidden).length > 0) return forbidden;
      if (protocols.includes('tls_passthrough')) {
        return atLeastOne(entity, ['snis']) ? undefined : "must set snis when 'protocols' is 'tls_passthrough'";
      }
      const names = ['sources', 'destinations', 'snis'];
      return atLeastOne(entity, names)
        ? undefined
        : `must set one of ${quotedList(names)} when 'protocols' is 'tcp', 'tls' or 'udp'`;
    }
    case 'grpc': {
      const when = "'protocols' is 'grpc' or 'grpcs'";
      const forbidden = mustBeUnset(entity, ['methods', 'sources', 'destinations'], when);
      if (entity.strip_path === true) forbidden.strip_path = `cannot set 'strip_path' when ${when}`;
      if (Object.keys(forbidden).length > 0) return forbidden;
      const grpcs = protocols.includes('grpcs');
      const names = grpcs ? ['hosts', 'headers', 'paths', 'snis'] : ['hosts', 'headers', 'paths'];
      return atLeastOne(entity, names)
        ? undefined
        : `must set one of ${quotedList(names)} when 'protocols' is '${grpcs ? 'grpcs' : 'grpc'}'`;
    }
    default:
      return undefined;
  }
}

// gRPC routes cannot strip paths, so Kong's grpc subschema defaults strip_path to false.
function grpcDefaults(input: JsonObject): JsonObject {
  const p: JsonValue | undefined = input.protocols;
  if (input.strip_path !== undefined || !Array.isArray(p)) return input;
  const strings = p.filter((x): x is string => typeof x === 'string');
  return family(strings) === 'grpc' ? { ...input, strip_path: false } : input;
}

/** Kong 3.x `routes` (traditional_compatible router). */
export const routeSchema: EntitySchema = {
  name: 'routes',
  primary_key: ['id'],
  endpoint_key: 'name',
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['name', t.utf8Name],
    [
      'protocols',
      {
        type: 'set',
        len_min: 1,
        required: true,
        elements: t.protocol,
        mutually_exclusive_subsets: [['http', 'https'], ['tcp', 'tls', 'udp'], ['tls_passthrough'], ['grpc', 'grpcs']],
        default: ['http', 'https'],
      },
    ],
    [
      'https_redirect_status_code',
      { type: 'integer', one_of: [426, 301, 302, 307, 308], default: 426, required: true },
    ],
    ['strip_path', { type: 'boolean', required: true, default: true }],
    ['preserve_host', { type: 'boolean', required: true, default: false }],
    ['request_buffering', { type: 'boolean', required: true, default: true }],
    ['response_buffering', { type: 'boolean', required: true, default: true }],
    ['tags', t.tags],
    ['service', t.foreign('services')],
    ['snis', { type: 'set', elements: t.wildcardHost }],
    ['sources', t.sources],
    ['destinations', t.destinations],
    ['methods', t.methods],
    ['hosts', t.hosts],
    ['paths', t.routerPaths],
    [
      'headers',
      {
        ...t.headers,
        values: { type: 'array', elements: t.routeHeaderValue },
        keys: {
          ...t.headerName,
          match_none: [
            {
              pattern: '^[Hh][Oo][Ss][Tt]$',
              err: "cannot contain 'host' header, which must be specified in the 'hosts' attribute",
            },
          ],
        },
      },
    ],
    ['regex_priority', { type: 'integer', default: 0 }],
    ['path_handling', { type: 'string', default: 'v0', one_of: ['v0', 'v1'] }],
  ],
  entity_checks: [
    {
      conditional: {
        if_field: 'protocols',
        if_match: { elements: { not_one_of: TLS_ROUTE_PROTOCOLS } },
        then_field: 'snis',
        then_match: { len_eq: 0 },
        then_err: "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'",
      },
    },
    {
      custom_entity_check: {
        field_sources: ['protocols', 'methods', 'hosts', 'headers', 'paths', 'snis', 'sources', 'destinations'],
        fn: protocolRules,
      },
    },
  ],
  adjust_input: grpcDefaults,
};
