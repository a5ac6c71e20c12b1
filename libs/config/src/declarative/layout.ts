import type { EntityKind } from '../kinds';

/** Format version this module reads and writes. */
export const DECLARATIVE_FORMAT_VERSION = '3.0';

/** Top-level keys that are not entity collections. */
export const META_KEYS: ReadonlySet<string> = new Set([
  '_format_version',
  '_transform',
  '_comment',
  '_ignore',
  '_workspace',
]);

/** A collection that may be nested inside an entity of another kind, and the field it implies. */
export interface NestedCollection {
  readonly key: string;
  readonly kind: EntityKind;
  readonly field: string;
}

const credentials = (
  ['keyauth_credentials', 'basicauth_credentials', 'jwt_secrets', 'acls', 'hmacauth_credentials'] as const
).map((kind): NestedCollection => ({ key: kind, kind, field: 'consumer' }));

/** Which collections nest where (services → routes → plugins, consumers → credentials, ...). */
export const NESTED: Readonly<Partial<Record<EntityKind, readonly NestedCollection[]>>> = {
  services: [
    { key: 'routes', kind: 'routes', field: 'service' },
    { key: 'plugins', kind: 'plugins', field: 'service' },
  ],
  routes: [{ key: 'plugins', kind: 'plugins', field: 'route' }],
  consumers: [{ key: 'plugins', kind: 'plugins', field: 'consumer' }, ...credentials],
  upstreams: [{ key: 'targets', kind: 'targets', field: 'upstream' }],
  certificates: [{ key: 'snis', kind: 'snis', field: 'certificate' }],
};
