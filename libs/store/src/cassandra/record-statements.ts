import type { AppliedChange, Change } from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import type { ReplicaOutcome } from '@gantry/replica';
import type { ChainLinkColumns } from './chain-links';
import { entityBucket, historyBucket } from './schema';

export interface Statement {
  readonly query: string;
  readonly params: unknown[];
}

/**
 * The writes that persist one folded record: its history row, one `events_by_entity` row per change the fold
 * made (or was asked for, when rejected), and the current-entity upserts and deletes. Every statement is
 * idempotent: history rows are the same bytes whoever writes them, and entity writes carry
 * `USING TIMESTAMP <version>`, so replaying them, or two persisters racing, leaves the newest version in place.
 * The history row carries the record's hash-chain `link` when one is given; a missing signature is left unset
 * rather than written as null, which would leave a tombstone per row.
 */
export function recordStatements(
  ks: string,
  record: LogRecord,
  outcome: ReplicaOutcome,
  link?: ChainLinkColumns,
): Statement[] {
  const { event } = outcome;
  const version = record.version;
  const chain = linkColumns(link);
  const statements: Statement[] = [
    {
      query:
        `INSERT INTO ${ks}.events_by_bucket (bucket, version, record_key, value, log_timestamp, event_id, type, ` +
        `kind, entity_key, actor, source, request_id, origin_region, event_timestamp, idempotency_key, status, ` +
        `error, duplicate_of${chain.names}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?${chain.marks})`,
      params: [
        historyBucket(version),
        version,
        record.key,
        record.value,
        new Date(record.timestamp),
        event.id,
        event.type,
        event.kind ?? null,
        event.key ?? null,
        event.actor,
        event.source,
        event.request_id,
        event.origin_region,
        new Date(event.timestamp),
        event.idempotency_key ?? null,
        outcome.status,
        outcome.status === 'rejected' ? JSON.stringify(outcome.error) : null,
        outcome.status === 'duplicate' ? outcome.first.version : null,
        ...chain.values,
      ],
    },
  ];
  const entityRow = (change: AppliedChange | Change, seq: number, status: string): Statement => ({
    query:
      `INSERT INTO ${ks}.events_by_entity (kind, entity_id, bucket, version, seq, op, cascade, status, actor, ` +
      `source, event_timestamp, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    params: [
      change.kind,
      change.key,
      entityBucket(version),
      version,
      seq,
      change.op,
      'cascade' in change && change.cascade === true,
      status,
      event.actor,
      event.source,
      new Date(event.timestamp),
      status === 'applied' && change.after !== null ? JSON.stringify(change.after) : null,
    ],
  });
  if (outcome.status === 'applied') {
    outcome.applied.forEach((change, seq) => statements.push(entityRow(change, seq, 'applied')));
    statements.push(...entityStatements(ks, version, outcome.applied));
  } else if (outcome.status === 'rejected') {
    event.changes.forEach((change, seq) => statements.push(entityRow(change, seq, 'rejected')));
  }
  return statements;
}

function linkColumns(link: ChainLinkColumns | undefined): { names: string; marks: string; values: unknown[] } {
  if (!link) return { names: '', marks: '', values: [] };
  const values: unknown[] = [link.prevHash, link.hash, ...(link.signature === null ? [] : [link.signature])];
  const names = link.signature === null ? ', prev_hash, hash' : ', prev_hash, hash, signature';
  return { names, marks: ', ?'.repeat(values.length), values };
}

/** Current-entity writes: only the last change to each entity counts (a changeset may touch one twice). */
function entityStatements(ks: string, version: number, applied: readonly AppliedChange[]): Statement[] {
  const last = new Map<string, AppliedChange>();
  for (const change of applied) last.set(`${change.kind}\u0000${change.key}`, change);
  return [...last.values()].map((change) =>
    change.after === null
      ? {
          query: `DELETE FROM ${ks}.entities USING TIMESTAMP ? WHERE kind = ? AND id = ?`,
          params: [version, change.kind, change.key],
        }
      : {
          query: `INSERT INTO ${ks}.entities (kind, id, version, body) VALUES (?, ?, ?, ?) USING TIMESTAMP ?`,
          params: [change.kind, change.key, version, JSON.stringify(change.after), version],
        },
  );
}

/** Advances the persisted version; `USING TIMESTAMP` makes the highest version win whatever the write order. */
export function progressStatement(ks: string, name: string, version: number): Statement {
  return {
    query: `INSERT INTO ${ks}.persister_progress (name, version, updated_at) VALUES (?, ?, ?) USING TIMESTAMP ?`,
    params: [name, version, new Date(), version],
  };
}
