import { randomUUID } from 'node:crypto';
import type { Entity, EntityKind } from '../kinds';
import { CONFIG_EVENT_SCHEMA_VERSION, type Change, type ConfigEvent, type EventSource } from './types';

/** Envelope fields the writer supplies. */
export interface EventMeta {
  actor: string;
  source: EventSource;
  origin_region: string;
  request_id?: string | null;
  /** Audit text of non-interactive writers, e.g. `consul index 42`. */
  reason?: string | null;
  idempotency_key?: string | null;
  /** Defaults to a random uuid. */
  id?: string;
  /** Milliseconds since the epoch; defaults to `Date.now()`. */
  timestamp?: number;
}

function envelope(meta: EventMeta): Omit<ConfigEvent, 'type' | 'changes'> {
  const event: Omit<ConfigEvent, 'type' | 'changes'> = {
    schema_version: CONFIG_EVENT_SCHEMA_VERSION,
    id: meta.id ?? randomUUID(),
    version: 0,
    actor: meta.actor,
    request_id: meta.request_id ?? null,
    source: meta.source,
    origin_region: meta.origin_region,
    timestamp: meta.timestamp ?? Date.now(),
  };
  if (meta.reason !== undefined) event.reason = meta.reason;
  if (meta.idempotency_key !== undefined) event.idempotency_key = meta.idempotency_key;
  return event;
}

/** A change creating `entity`. */
export function createChange(kind: EntityKind, entity: Entity): Change {
  return { op: 'create', kind, key: entity.id, before: null, after: entity };
}

/** A change replacing `before` with `after` (same id). */
export function updateChange(kind: EntityKind, before: Entity | null, after: Entity): Change {
  return { op: 'update', kind, key: after.id, before, after };
}

/** A change deleting the entity `key`. */
export function deleteChange(kind: EntityKind, key: string, before: Entity | null = null): Change {
  return { op: 'delete', kind, key, before, after: null };
}

/** A single-change event; its type, kind and key follow the change. */
export function createEvent(change: Change, meta: EventMeta): ConfigEvent {
  return { ...envelope(meta), type: change.op, kind: change.kind, key: change.key, changes: [change] };
}

/** An event applying several changes atomically, in order. */
export function changeset(changes: Change[], meta: EventMeta): ConfigEvent {
  return { ...envelope(meta), type: 'changeset', changes };
}

/** A declarative full replacement: the state becomes exactly these entities (given as `create` changes). */
export function replaceEvent(changes: Change[], meta: EventMeta): ConfigEvent {
  return { ...envelope(meta), type: 'replace', changes };
}
