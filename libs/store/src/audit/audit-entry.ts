import {
  schemaOf,
  type ChangeOp,
  type Entity,
  type EntityKind,
  type EventSource,
  type EventType,
  type KongError,
} from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import type { ReplicaOutcome } from '@gantry/replica';

/** Versions per `audit_events` partition: the same 1000 as `events_by_bucket`. */
export const AUDIT_BUCKET_SIZE = 1_000;
/**
 * Versions per `audit_index` partition. Index rows are one number each, so a partition of 100k stays small, and an
 * entity touched now and then over a long history is read in a few partitions rather than one per 1000 versions.
 */
export const AUDIT_INDEX_BUCKET_SIZE = 100_000;
/** Changes per `audit_changes` partition: a big declarative import spreads over several. */
export const AUDIT_CHANGE_CHUNK = 1_000;
const DAY_MS = 86_400_000;

export function auditBucket(version: number): number {
  return Math.floor(version / AUDIT_BUCKET_SIZE);
}

export function auditIndexBucket(version: number): number {
  return Math.floor(version / AUDIT_INDEX_BUCKET_SIZE);
}

/** UTC day number (days since the epoch) of an epoch-ms time. */
export function auditDay(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/** One change of an audited event, as stored for `GET /audit/events/{version}`. */
export interface AuditChange {
  readonly kind: EntityKind;
  readonly key: string;
  readonly op: ChangeOp;
  /** A deletion the fold made because a referenced entity was deleted. */
  readonly cascade: boolean;
  /** The entity before and after (null on create / delete). Unredacted: redact before showing. */
  readonly before: Entity | null;
  readonly after: Entity | null;
}

export type AuditStatus = 'applied' | 'rejected' | 'duplicate';

/** What an audit list shows of one event (no changes). */
export interface AuditSummary {
  readonly version: number;
  readonly eventId: string;
  readonly type: EventType;
  readonly source: EventSource;
  readonly actor: string;
  readonly requestId: string | null;
  readonly reason: string | null;
  readonly originRegion: string;
  /** The writer's clock, epoch ms. */
  readonly timestamp: number;
  readonly status: AuditStatus;
  /** Kong error of a rejected event. Its message may quote a rejected value: scrub it before showing. */
  readonly error: KongError | null;
  readonly duplicateOf: number | null;
  /** Set on single-change events. */
  readonly kind: EntityKind | null;
  readonly key: string | null;
  readonly changeCount: number;
  /** Distinct kinds of the changes, in first-seen order. */
  readonly kinds: readonly EntityKind[];
}

/** An audited event: its summary and its changes. */
export interface AuditEntry extends AuditSummary {
  /**
   * Applied events: what the fold did (real before/after, cascades included). Rejected and duplicate events:
   * the changes the writer asked for (nothing changed).
   */
  readonly changes: readonly AuditChange[];
}

/** Index dimensions: each maps a value to the versions that have it (see README, "Audit queries"). */
export type AuditDimension = 'actor' | 'source' | 'kind' | 'entity';

/** Key of the `entity` dimension. */
export function entityIndexValue(kind: EntityKind, id: string): string {
  return `${kind}/${id}`;
}

/** The audit entry of a folded record. Pure: the persister and the embedded index derive the same one. */
export function auditEntry(record: LogRecord, outcome: ReplicaOutcome): AuditEntry {
  const { event } = outcome;
  const changes: AuditChange[] =
    outcome.status === 'applied'
      ? outcome.applied.map((c) => ({ ...pick(c), cascade: c.cascade === true }))
      : event.changes.map((c) => ({ ...pick(c), cascade: false }));
  const kinds = [...new Set(changes.map((c) => c.kind))];
  return {
    version: record.version,
    eventId: event.id,
    type: event.type,
    source: event.source,
    actor: event.actor,
    requestId: event.request_id,
    reason: event.reason ?? null,
    originRegion: event.origin_region,
    timestamp: event.timestamp,
    status: outcome.status,
    error: outcome.status === 'rejected' ? outcome.error : null,
    duplicateOf: outcome.status === 'duplicate' ? outcome.first.version : null,
    kind: event.kind ?? null,
    key: event.key ?? null,
    changeCount: changes.length,
    kinds,
    changes,
  };
}

function pick(c: { kind: EntityKind; key: string; op: ChangeOp; before: Entity | null; after: Entity | null }) {
  return { kind: c.kind, key: c.key, op: c.op, before: c.before, after: c.after };
}

/** The `(dimension, value)` pairs an entry is indexed under, without repeats. */
export function auditIndexKeys(entry: AuditEntry): [AuditDimension, string][] {
  const keys = new Map<string, [AuditDimension, string]>();
  const add = (dimension: AuditDimension, value: string) => keys.set(`${dimension}\u0000${value}`, [dimension, value]);
  add('actor', entry.actor);
  add('source', entry.source);
  for (const kind of entry.kinds) add('kind', kind);
  for (const change of entry.changes) add('entity', entityIndexValue(change.kind, change.key));
  return [...keys.values()];
}

// Names an entity can be looked up by in the audit log. key-auth's `key` is its endpoint key but a secret: never
// an index value.
const ALIAS_FIELDS: Readonly<Partial<Record<EntityKind, readonly string[]>>> = {
  consumers: ['username', 'custom_id'],
  plugins: ['name', 'instance_name'],
  keyauth_credentials: [],
};

function aliasFields(kind: EntityKind): readonly string[] {
  const endpointKey = schemaOf(kind).endpoint_key;
  return ALIAS_FIELDS[kind] ?? (endpointKey === undefined ? [] : [endpointKey]);
}

/**
 * `(alias, kind, id)` rows: every entity is found by its id and by each name it had before or after a change
 * (a rename keeps the old name pointing at it), so "who changed route `orders`" finds it after a rename too.
 */
export function entityAliases(entry: AuditEntry): [string, EntityKind, string][] {
  const rows = new Map<string, [string, EntityKind, string]>();
  for (const change of entry.changes) {
    const add = (alias: string) =>
      rows.set(`${alias}\u0000${change.kind}\u0000${change.key}`, [alias, change.kind, change.key]);
    add(change.key);
    for (const field of aliasFields(change.kind)) {
      for (const entity of [change.before, change.after]) {
        const value = entity?.[field];
        if (typeof value === 'string' && value !== '') add(value);
      }
    }
  }
  return [...rows.values()];
}
