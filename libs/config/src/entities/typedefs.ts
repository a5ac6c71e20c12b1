import { asText, type JsonValue } from '../json';
import type { EntityKind } from '../kinds';
import type { ForeignField, ListField, MapField, RecordField, ScalarField } from '../schema/types';
import { isIpOrCidr, normalizePath, parseAddress } from './net';
import { backtrackingRisk } from './regex-safety';

/** Protocols of Kong OSS 3.x (`kong.constants.PROTOCOLS`). */
export const PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'tcp', 'tls', 'tls_passthrough', 'udp'] as const;
/** Protocols handled by the HTTP subsystem, sorted: the default `protocols` of plugins. */
export const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https'] as const;

const str = (v: JsonValue): string => asText(v);

export const uuid: ScalarField = { type: 'string', uuid: true, auto: true };
export const autoTimestampS: ScalarField = { type: 'integer', timestamp: true, auto: true };
/** Kong's targets keep milliseconds: seconds as a number with three decimals. */
export const autoTimestampMs: ScalarField = { type: 'number', timestamp: true, auto: true };

export const tag: ScalarField = {
  type: 'string',
  required: true,
  custom_validator: (v) =>
    /^[ \x21-\x2B\x2D\x2E\x30-\x7E\u0080-\u{10FFFF}]+$/u.test(str(v))
      ? undefined
      : `invalid tag '${str(v)}': expected printable ascii (except \`,\` and \`/\`) or valid utf-8 sequences`,
};
export const tags: ListField = { type: 'set', elements: tag };

export const utf8Name: ScalarField = {
  type: 'string',
  unique: true,
  custom_validator: (v) =>
    /^[A-Za-z0-9.\-_~\u0080-\u{10FFFF}]+$/u.test(str(v))
      ? undefined
      : `invalid value '${str(v)}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`,
};

export const protocol: ScalarField = { type: 'string', one_of: PROTOCOLS };
export const protocols: ListField = {
  type: 'set',
  required: true,
  default: [...HTTP_PROTOCOLS],
  elements: protocol,
};

export const host: ScalarField = {
  type: 'string',
  custom_validator: (v) => {
    const p = parseAddress(str(v));
    if ('error' in p) return p.error === 'invalid port number' ? 'must not have a port' : `invalid value: ${str(v)}`;
    return p.port !== undefined ? 'must not have a port' : undefined;
  },
};

export const hostWithOptionalPort: ScalarField = {
  type: 'string',
  custom_validator: (v) => {
    const p = parseAddress(str(v));
    return 'error' in p ? p.error : undefined;
  },
};

export const port: ScalarField = { type: 'integer', between: [0, 65535] };

function validatePath(path: string): { error: string; code: 'rfc3986' | 'percent' } | undefined {
  if (!/^\/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$/.test(path)) {
    return {
      error: `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`,
      code: 'rfc3986',
    };
  }
  const raw = path.replace(/%[0-9A-Fa-f]{2}/g, '___');
  const idx = raw.indexOf('%');
  if (idx >= 0) return { error: `invalid url-encoded value: '${raw.slice(idx, idx + 3)}'`, code: 'percent' };
  return undefined;
}

export const path: ScalarField = {
  type: 'string',
  starts_with: '/',
  match_none: [{ pattern: '//', err: 'must not have empty segments' }],
  custom_validator: (v) => validatePath(str(v))?.error,
};

export const routerPath: ScalarField = {
  type: 'string',
  match_any: { patterns: ['^/', '^~/'], err: 'should start with: / (fixed path) or ~/ (regex path)' },
  match_none: [{ pattern: '//', err: 'must not have empty segments' }],
  custom_validator: (v) => {
    const p = str(v);
    const bad = validatePath(p.startsWith('~') ? p.slice(1) : p);
    if (bad?.code === 'percent') return bad.error;
    if (!p.startsWith('~')) {
      const normalized = normalizePath(p);
      return normalized === p ? undefined : `non-normalized path, consider use '${normalized}' instead`;
    }
    return regexError(p.slice(1), 'u', 'y');
  },
};

/**
 * Why a route regex is refused: it does not compile, or it could block the proxy's event loop. `flags` are the
 * ones the router compiles it with; `anchoring` is added for the backtracking check only (path regexes are
 * matched anchored, `y`, which recheck must know to judge them fairly).
 */
function regexError(source: string, flags: string, anchoring = ''): string | undefined {
  try {
    new RegExp(source, flags);
  } catch (e) {
    return `invalid regex: '${source}' (PCRE returned: ${(e as Error).message})`;
  }
  const risk = backtrackingRisk(source, flags + anchoring);
  return risk === undefined ? undefined : `invalid regex: '${source}' (${risk})`;
}

/** A value of a route's `headers`: `~*` starts a case-insensitive regex, checked like regex paths. */
export const routeHeaderValue: ScalarField = {
  type: 'string',
  custom_validator: (v) => {
    const value = str(v);
    return value.startsWith('~*') ? regexError(value.slice(2), 'iu') : undefined;
  },
};

function headerNameError(kind: 'header' | 'cookie', name: string): string | undefined {
  if (/^[a-zA-Z0-9\-_]+$/.test(name)) return undefined;
  return `bad ${kind} name '${name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'`;
}

export const headerName: ScalarField = { type: 'string', custom_validator: (v) => headerNameError('header', str(v)) };
export const cookieName: ScalarField = { type: 'string', custom_validator: (v) => headerNameError('cookie', str(v)) };

export const sni: ScalarField = {
  type: 'string',
  custom_validator: (v) => sniError(str(v)),
};

function sniError(name: string): string | undefined {
  const p = parseAddress(name);
  if ('error' in p) return p.error === 'invalid port number' ? 'must not have a port' : `invalid value: ${name}`;
  if (p.type !== 'name') return 'must not be an IP';
  return p.port !== undefined ? 'must not have a port' : undefined;
}

export const wildcardHost: ScalarField = {
  type: 'string',
  custom_validator: (v) => {
    let name = str(v);
    const idx = name.indexOf('*');
    if (idx >= 0) {
      if (idx !== 0 && idx !== name.length - 1) return 'wildcard must be leftmost or rightmost character';
      if (name.split('*').length > 2) return 'only one wildcard must be specified';
      name = name.replace('*', 'wildcard');
    }
    return sniError(name);
  },
};

export const ipOrCidr: ScalarField = {
  type: 'string',
  custom_validator: (v) => (isIpOrCidr(str(v)) ? undefined : `invalid ip or cidr range: '${str(v)}'`),
};

export const httpMethod: ScalarField = { type: 'string', match: '^[A-Z]+$' };
export const methods: ListField = { type: 'set', elements: httpMethod };

export const hosts: ListField = {
  type: 'array',
  elements: {
    type: 'string',
    match_all: [{ pattern: '^[^*]*\\*?[^*]*$', err: 'invalid wildcard: must have at most one wildcard' }],
    match_any: {
      patterns: ['^\\*\\.', '\\.\\*$', '^[^*]*$'],
      err: 'invalid wildcard: must be placed at leftmost or rightmost label',
    },
    custom_validator: (v) => hostWithOptionalPort.custom_validator?.(str(v).replace(/\*/g, 'abc')),
  },
};

export const routerPaths: ListField = { type: 'array', elements: routerPath };

const endpointRecord: RecordField = {
  type: 'record',
  fields: [
    ['ip', ipOrCidr],
    ['port', port],
  ],
  entity_checks: [{ at_least_one_of: ['ip', 'port'] }],
};
export const sources: ListField = { type: 'set', elements: endpointRecord };
export const destinations: ListField = { type: 'set', elements: endpointRecord };

export const headers: MapField = {
  type: 'map',
  keys: headerName,
  values: { type: 'array', elements: { type: 'string' } },
};

/** A foreign key field. */
export function foreign(reference: EntityKind, extra: Partial<ForeignField> = {}): ForeignField {
  return { type: 'foreign', reference, ...extra };
}
