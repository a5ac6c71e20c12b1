import type { Entity, EntityKind } from '../kinds';

/** Version of the event envelope this build writes and reads. */
export const CONFIG_EVENT_SCHEMA_VERSION = 1;

/** Kinds of config events; `replace` is a declarative full replacement. */
export const EVENT_TYPES = ['create', 'update', 'delete', 'changeset', 'replace'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Who produced an event. */
export const EVENT_SOURCES = ['admin', 'discovery', 'declarative', 'rollback'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Operations of a single change. */
export const CHANGE_OPS = ['create', 'update', 'delete'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

/** One entity change. `key` is the entity id; `before`/`after` are the writer's view (the fold reports its own). */
export interface Change {
  op: ChangeOp;
  kind: EntityKind;
  key: string;
  before: Entity | null;
  after: Entity | null;
}

/**
 * A config event: one entry of the config log. Plain JSON (no bigint, Date or Map) so it can travel over
 * Kafka and be stored in Cassandra as is.
 */
export interface ConfigEvent {
  schema_version: typeof CONFIG_EVENT_SCHEMA_VERSION;
  /** uuid chosen by the writer; doubles as the idempotency identity. */
  id: string;
  /** Log position (1-based), assigned on append; 0 before. */
  version: number;
  type: EventType;
  /** Set on single-change events, for audit queries. */
  kind?: EntityKind;
  key?: string;
  /** Always present; single events carry exactly one. */
  changes: Change[];
  actor: string;
  request_id: string | null;
  source: EventSource;
  /** Why a non-interactive writer (discovery) made the change, for the audit log; absent on admin writes. */
  reason?: string | null;
  origin_region: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  idempotency_key?: string | null;
  /**
   * Digest of the request that carried `idempotency_key` (method, path, body), so every replica can tell a
   * retry from a different request that reuses the key.
   */
  request_fingerprint?: string | null;
}
