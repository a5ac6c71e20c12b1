import { changeset, createEvent, type EventMeta } from '../events/builders';
import type { Change, ConfigEvent } from '../events/types';
import { applyEvent, type FoldOutcome } from '../fold/apply';
import type { ConfigState } from '../fold/state';
import type { Entity } from '../kinds';

/** Test uuid number `n`. */
export function uid(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

const ref = (id: string | null) => (id === null ? null : { id });

export const service = (id: string, name: string | null = null): Entity => ({
  id,
  name,
  host: 'example.com',
  port: 80,
});
export const route = (id: string, serviceId: string | null, name: string | null = null): Entity => ({
  id,
  name,
  paths: ['/'],
  service: ref(serviceId),
});
export const consumer = (id: string, username: string | null, customId: string | null = null): Entity => ({
  id,
  username,
  custom_id: customId,
});
export const plugin = (
  id: string,
  name: string,
  scope: { route?: string; service?: string; consumer?: string } = {},
): Entity => ({
  id,
  name,
  config: {},
  route: ref(scope.route ?? null),
  service: ref(scope.service ?? null),
  consumer: ref(scope.consumer ?? null),
});
export const upstream = (id: string, name: string): Entity => ({ id, name });
export const target = (id: string, upstreamId: string, t: string): Entity => ({
  id,
  upstream: { id: upstreamId },
  target: t,
  weight: 100,
});
export const keyauth = (id: string, consumerId: string, key: string): Entity => ({
  id,
  consumer: { id: consumerId },
  key,
});
export const certificate = (id: string): Entity => ({ id, cert: 'c', key: 'k' });
export const sni = (id: string, certId: string, name: string): Entity => ({ id, name, certificate: { id: certId } });

const META: EventMeta = { actor: 'test', source: 'admin', origin_region: 'local', timestamp: 0 };

/** Folds the changes as the next event (one change → single event, several → changeset). */
export function foldChanges(state: ConfigState, ...changes: Change[]): FoldOutcome {
  const event: ConfigEvent = changes.length === 1 ? createEvent(changes[0], META) : changeset(changes, META);
  event.version = state.version + 1;
  return applyEvent(state, event);
}
