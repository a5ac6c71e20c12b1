import type { JsonObject } from './json';

/**
 * Entity kinds, named like Kong's DAOs. The order is a dependency order: an entity only references kinds that
 * come before it, so creating in this order (and deleting in reverse) never leaves a dangling reference.
 */
export const ENTITY_KINDS = [
  'certificates',
  'ca_certificates',
  'snis',
  'services',
  'routes',
  'consumers',
  'upstreams',
  'targets',
  'plugins',
  'keyauth_credentials',
  'basicauth_credentials',
  'jwt_secrets',
  'acls',
  'hmacauth_credentials',
] as const;

/** One of Kong's DAO names, e.g. `services` or `keyauth_credentials`. */
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** A stored entity: a JSON object with a uuid `id`. Foreign keys are `{ id }` objects, as in Kong. */
export type Entity = JsonObject & { id: string };

const KIND_SET: ReadonlySet<string> = new Set(ENTITY_KINDS);
const KIND_RANK: ReadonlyMap<EntityKind, number> = new Map(ENTITY_KINDS.map((k, i) => [k, i]));

/** True when `value` names an entity kind. */
export function isEntityKind(value: unknown): value is EntityKind {
  return typeof value === 'string' && KIND_SET.has(value);
}

/** Position of a kind in the dependency order of {@link ENTITY_KINDS}. */
export function kindRank(kind: EntityKind): number {
  return KIND_RANK.get(kind) ?? ENTITY_KINDS.length;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Kong's uuid check (any version, case-insensitive). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID_RE.test(value);
}
