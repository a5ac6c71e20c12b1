import {
  isEntityKind,
  type ChangeOp,
  type Entity,
  type EntityKind,
  type EventSource,
  type EventType,
  type KongError,
} from '@gantry/config';
import type { AuditChange, AuditStatus, AuditSummary } from '@gantry/store';
import { types } from 'cassandra-driver';

/** A bigint column as a number (config versions stay far below 2^53). */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof types.Long) return value.toNumber();
  return Number(value);
}

const text = (row: types.Row, column: string): string | null => (row.get(column) as string | null) ?? null;

/** The columns `audit_events` rows are read with. */
export const SUMMARY_COLUMNS =
  'version, event_id, type, kind, entity_key, actor, source, request_id, reason, origin_region, event_timestamp, ' +
  'status, error, duplicate_of, change_count, kinds';

/** An `audit_events` row as a summary. */
export function summaryFromRow(row: types.Row): AuditSummary {
  const error = text(row, 'error');
  const duplicateOf = row.get('duplicate_of') as unknown;
  const kind = text(row, 'kind');
  return {
    version: toNumber(row.get('version')),
    eventId: text(row, 'event_id') ?? '',
    type: text(row, 'type') as EventType,
    source: text(row, 'source') as EventSource,
    actor: text(row, 'actor') ?? '',
    requestId: text(row, 'request_id'),
    reason: text(row, 'reason'),
    originRegion: text(row, 'origin_region') ?? '',
    timestamp: (row.get('event_timestamp') as Date | null)?.getTime() ?? 0,
    status: text(row, 'status') as AuditStatus,
    error: error === null ? null : (JSON.parse(error) as KongError),
    duplicateOf: duplicateOf === null || duplicateOf === undefined ? null : toNumber(duplicateOf),
    kind: isEntityKind(kind) ? kind : null,
    key: text(row, 'entity_key'),
    changeCount: (row.get('change_count') as number | null) ?? 0,
    kinds: (text(row, 'kinds') ?? '').split(',').filter(isEntityKind),
  };
}

/** An `audit_changes` row as a change. */
export function changeFromRow(row: types.Row): AuditChange {
  const entity = (column: string): Entity | null => {
    const json = text(row, column);
    return json === null ? null : (JSON.parse(json) as Entity);
  };
  return {
    kind: text(row, 'kind') as EntityKind,
    key: text(row, 'entity_id') ?? '',
    op: text(row, 'op') as ChangeOp,
    cascade: row.get('cascade') === true,
    before: entity('before'),
    after: entity('after'),
  };
}
