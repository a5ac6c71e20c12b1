import {
  changeset,
  createChange,
  createEvent,
  deleteChange,
  updateChange,
  type ConfigEvent,
  type EventMeta,
} from '@gantry/config';
import { consumer, keyauth, plugin, route, service, uid } from '../../../config/src/testing/entities';

export { uid };

const META: EventMeta = { actor: 'test', source: 'admin', origin_region: 'local', timestamp: 1_700_000_000_000 };

/** A create-service event for service number `n` (id `uid(n)`, name `svc-<n>`, or `name` when given). */
export function createService(n: number, meta: Partial<EventMeta> = {}, name = `svc-${n}`): ConfigEvent {
  return createEvent(createChange('services', service(uid(n), name)), { ...META, ...meta });
}

/** A create-route event for route number `n` on service number `serviceN`. */
export function createRoute(n: number, serviceN: number, meta: Partial<EventMeta> = {}): ConfigEvent {
  return createEvent(createChange('routes', route(uid(n), uid(serviceN), `route-${n}`)), { ...META, ...meta });
}

export function deleteService(n: number, meta: Partial<EventMeta> = {}): ConfigEvent {
  return createEvent(deleteChange('services', uid(n)), { ...META, ...meta });
}

export function encode(event: ConfigEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/**
 * Record values exercising every path of the fold as the persister must mirror it: creates, a changeset, a
 * cascade delete (a consumer with plugins and credentials), a unique-name rejection, an idempotent duplicate and
 * an undecodable record. `n` shifts the ids so several batches can go into one log.
 */
export function mixedLog(n: number): Buffer[] {
  const base = n * 1_000;
  const svc = uid(base + 1);
  const cons = uid(base + 2);
  return [
    encode(createService(base + 1, {}, `svc-${base + 1}`)),
    encode(createRoute(base + 3, base + 1)),
    encode(
      changeset(
        [
          createChange('consumers', consumer(cons, `user-${base}`)),
          createChange('plugins', plugin(uid(base + 4), 'rate-limiting', { consumer: cons })),
          createChange('keyauth_credentials', keyauth(uid(base + 5), cons, `key-${base}`)),
        ],
        { ...META, idempotency_key: `import-${base}` },
      ),
    ),
    encode(createService(base + 6, {}, `svc-${base + 1}`)), // rejected: name taken
    encode(createService(base + 7, { idempotency_key: `import-${base}` })), // duplicate
    Buffer.from(`{"not": "an event ${base}"}`), // undecodable: rejected no-op
    encode(createEvent(deleteChange('consumers', cons), META)), // cascades to the plugin and the credential
    encode(createEvent(updateChange('services', null, { ...service(svc, `svc-${base + 1}`), port: 8080 }), META)),
    encode(createEvent(deleteChange('routes', uid(base + 3)), META)),
  ];
}
