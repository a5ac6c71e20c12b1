import { ENTITY_KINDS, type EntityKind } from '../kinds';
import { renderSchema } from '../schema/render';
import type { EntitySchema, ForeignField } from '../schema/types';
import { caCertificateSchema } from './ca-certificate';
import { certificateSchema, sniSchema } from './certificate';
import { consumerSchema } from './consumer';
import { aclSchema, basicauthSchema, hmacauthSchema, jwtSchema, keyauthSchema } from './credentials';
import { pluginSchema } from './plugin';
import { routeSchema } from './route';
import { serviceSchema } from './service';
import { targetSchema } from './target';
import { upstreamSchema } from './upstream';
import type { JsonObject } from '../json';

/** Schemas of every entity kind. */
export const ENTITY_SCHEMAS: Readonly<Record<EntityKind, EntitySchema>> = {
  certificates: certificateSchema,
  ca_certificates: caCertificateSchema,
  snis: sniSchema,
  services: serviceSchema,
  routes: routeSchema,
  consumers: consumerSchema,
  upstreams: upstreamSchema,
  targets: targetSchema,
  plugins: pluginSchema,
  keyauth_credentials: keyauthSchema,
  basicauth_credentials: basicauthSchema,
  jwt_secrets: jwtSchema,
  acls: aclSchema,
  hmacauth_credentials: hmacauthSchema,
};

/** The schema of an entity kind. */
export function schemaOf(kind: EntityKind): EntitySchema {
  return ENTITY_SCHEMAS[kind];
}

/** Kong's `GET /schemas/{entity}` body for a kind. */
export function renderEntitySchema(kind: EntityKind): JsonObject {
  return renderSchema(ENTITY_SCHEMAS[kind]);
}

/** Credential kinds: those that live under `/consumers/{c}/...`. */
export const CREDENTIAL_KINDS: readonly EntityKind[] = ENTITY_KINDS.filter(
  (k) => ENTITY_SCHEMAS[k].admin_api_nested_name !== undefined,
);

/** Admin API collection path of a kind (`services`, `key-auths`). */
export function adminPathOf(kind: EntityKind): string {
  return ENTITY_SCHEMAS[kind].admin_api_name ?? kind;
}

/** Path of a credential kind below `/consumers/{c}/` (`key-auth`), if it has one. */
export function nestedAdminPathOf(kind: EntityKind): string | undefined {
  return ENTITY_SCHEMAS[kind].admin_api_nested_name;
}

const BY_PATH = new Map<string, EntityKind>();
for (const kind of ENTITY_KINDS) {
  BY_PATH.set(kind, kind);
  BY_PATH.set(adminPathOf(kind), kind);
  const nested = nestedAdminPathOf(kind);
  if (nested !== undefined) BY_PATH.set(nested, kind);
}

/** Kind for an Admin API path segment: `services`, `key-auths`, `key-auth` or a DAO name. */
export function kindFromAdminPath(segment: string): EntityKind | undefined {
  return BY_PATH.get(segment);
}

/** A foreign key field of a kind. */
export interface ForeignKeyInfo {
  readonly kind: EntityKind;
  readonly field: string;
  readonly reference: EntityKind;
  readonly onDelete: 'cascade' | 'restrict';
}

/** Every foreign key between kinds, derived from the schemas. */
export const FOREIGN_KEYS: readonly ForeignKeyInfo[] = ENTITY_KINDS.flatMap((kind) =>
  ENTITY_SCHEMAS[kind].fields
    .filter((entry): entry is readonly [string, ForeignField] => entry[1].type === 'foreign')
    .map(([field, def]) => ({ kind, field, reference: def.reference, onDelete: def.on_delete ?? 'restrict' })),
);
