import type { Entity, EntityKind } from '@gantry/config';

/**
 * The field that names an entity of each kind for people reading a diff, never a secret: key-auth keys and
 * certificates have no such field. Consumers fall back from `username` to `custom_id`.
 */
const LABEL_FIELDS: Readonly<Record<EntityKind, readonly string[]>> = {
  certificates: [],
  ca_certificates: [],
  snis: ['name'],
  services: ['name'],
  routes: ['name'],
  consumers: ['username', 'custom_id'],
  upstreams: ['name'],
  targets: ['target'],
  plugins: ['instance_name', 'name'],
  keyauth_credentials: [],
  basicauth_credentials: ['username'],
  jwt_secrets: ['key'],
  acls: ['group'],
  hmacauth_credentials: ['username'],
};

/** A human name for an entity (`name`, `username`, a target's address...), or null when it has none. */
export function entityLabel(kind: EntityKind, entity: Entity | null): string | null {
  if (entity === null) return null;
  for (const field of LABEL_FIELDS[kind]) {
    const value = entity[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}
