import { EVENT_SOURCES, isEntityKind, kindFromAdminPath, type EntityKind, type EventSource } from '@gantry/config';

/** What `GET /audit/events` selects on. Every field is optional; set fields must all match. */
export interface AuditFilter {
  /** Events with a change of this kind (or, with `entity`, the entities of this kind it names). */
  readonly kind?: EntityKind;
  /** An entity id, or a name (`name`, `username`, `target`…) any entity had before or after a change. */
  readonly entity?: string;
  readonly actor?: string;
  readonly source?: EventSource;
  /** Event time bounds, epoch ms, inclusive. */
  readonly since?: number;
  readonly until?: number;
  /** Version bounds, inclusive. */
  readonly fromVersion?: number;
  readonly toVersion?: number;
}

/** A filter that could not be parsed: the query parameter and why. */
export interface FilterError {
  readonly field: string;
  readonly reason: string;
}

/** Query parameters read by {@link parseAuditFilter}. */
export const AUDIT_FILTER_PARAMS = [
  'kind',
  'entity',
  'actor',
  'source',
  'since',
  'until',
  'from_version',
  'to_version',
] as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const EPOCH_SECONDS = /^\d{1,12}(?:\.\d{1,6})?$/;
const POSITIVE_INTEGER = /^[1-9]\d{0,15}$/;
const MAX_TEXT = 512;

/** An RFC 3339 time or epoch seconds (Kong's timestamps) as epoch ms; undefined when neither. */
export function parseTime(raw: string): number | undefined {
  if (EPOCH_SECONDS.test(raw)) return Math.round(Number(raw) * 1000);
  if (!RFC3339.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Reads a filter from query parameters (`get` returns null when a parameter is absent). `kind` takes a DAO name
 * (`keyauth_credentials`) or an Admin API path (`key-auths`); `since`/`until` an RFC 3339 time or epoch seconds;
 * `from_version`/`to_version` positive integers.
 */
export function parseAuditFilter(get: (name: string) => string | null): AuditFilter | FilterError {
  const filter: { -readonly [K in keyof AuditFilter]: AuditFilter[K] } = {};
  const text = (name: string): string | undefined | FilterError => {
    const raw = get(name);
    if (raw === null) return undefined;
    if (raw === '') return { field: name, reason: 'must not be empty' };
    if (raw.length > MAX_TEXT) return { field: name, reason: `must be at most ${MAX_TEXT} characters` };
    return raw;
  };
  const values: Record<string, string | undefined> = {};
  for (const name of AUDIT_FILTER_PARAMS) {
    const value = text(name);
    if (isFilterError(value)) return value;
    values[name] = value;
  }
  if (values.kind !== undefined) {
    const kind = isEntityKind(values.kind) ? values.kind : kindFromAdminPath(values.kind);
    if (kind === undefined) return { field: 'kind', reason: `unknown entity kind '${values.kind}'` };
    filter.kind = kind;
  }
  if (values.entity !== undefined) filter.entity = values.entity;
  if (values.actor !== undefined) filter.actor = values.actor;
  if (values.source !== undefined) {
    const source = values.source;
    if (!(EVENT_SOURCES as readonly string[]).includes(source)) {
      return { field: 'source', reason: `expected one of: ${EVENT_SOURCES.join(', ')}` };
    }
    filter.source = source as EventSource;
  }
  for (const name of ['since', 'until'] as const) {
    const raw = values[name];
    if (raw === undefined) continue;
    const ms = parseTime(raw);
    if (ms === undefined) return { field: name, reason: 'expected an RFC 3339 time or epoch seconds' };
    filter[name] = ms;
  }
  for (const [name, key] of [
    ['from_version', 'fromVersion'],
    ['to_version', 'toVersion'],
  ] as const) {
    const raw = values[name];
    if (raw === undefined) continue;
    if (!POSITIVE_INTEGER.test(raw) || !Number.isSafeInteger(Number(raw))) {
      return { field: name, reason: 'expected a positive integer' };
    }
    filter[key] = Number(raw);
  }
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until) {
    return { field: 'until', reason: 'must not be before since' };
  }
  if (filter.fromVersion !== undefined && filter.toVersion !== undefined && filter.fromVersion > filter.toVersion) {
    return { field: 'to_version', reason: 'must not be below from_version' };
  }
  return filter;
}

export function isFilterError(value: unknown): value is FilterError {
  return typeof value === 'object' && value !== null && 'field' in value && 'reason' in value;
}
