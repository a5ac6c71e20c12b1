import { isJsonObject, type EntityKind, type JsonValue, type KongError } from '@gantry/config';
import type { AuditChange, AuditEntry, AuditSummary } from '@gantry/store';
import { diffEntitySegments, type FieldChange } from '../diff/entity-diff';
import type { PathSegment } from '../diff/field-path';
import { redactFieldChanges, redactMaybe } from '../redact/redact';
import { isSecretPath, REDACTED } from '../redact/secret-fields';

/** One event as `GET /audit/events` lists it. */
export interface AuditEventView {
  readonly version: number;
  /** The event id (its idempotency identity in the log). */
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly actor: string;
  readonly request_id: string | null;
  readonly reason: string | null;
  readonly origin_region: string;
  /** RFC 3339, UTC, milliseconds. */
  readonly timestamp: string;
  readonly timestamp_ms: number;
  /** `applied`, `rejected` (nothing changed; see `error`) or `duplicate` (a retry; see `duplicate_of`). */
  readonly status: string;
  readonly kind: string | null;
  readonly key: string | null;
  readonly change_count: number;
  readonly kinds: readonly string[];
  readonly duplicate_of: number | null;
  /** A list shows the error's code and name; `GET /audit/events/{version}` the whole (scrubbed) error. */
  readonly error: { readonly code: number; readonly name: string } | KongError | null;
}

/** One change of `GET /audit/events/{version}`: the entity before and after, and the fields that changed. */
export interface AuditChangeView {
  readonly kind: string;
  readonly key: string;
  readonly op: string;
  readonly cascade: boolean;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly diff: FieldChange[];
}

export interface AuditEventDetailView extends AuditEventView {
  readonly changes: AuditChangeView[];
}

/** A summary as listed. */
export function presentSummary(s: AuditSummary): AuditEventView {
  return {
    version: s.version,
    id: s.eventId,
    type: s.type,
    source: s.source,
    actor: s.actor,
    request_id: s.requestId,
    reason: s.reason,
    origin_region: s.originRegion,
    timestamp: new Date(s.timestamp).toISOString(),
    timestamp_ms: s.timestamp,
    status: s.status,
    kind: s.kind,
    key: s.key,
    change_count: s.changeCount,
    kinds: s.kinds,
    duplicate_of: s.duplicateOf,
    error: s.error === null ? null : { code: s.error.code, name: s.error.name },
  };
}

/** An event with every change redacted and diffed, and its error scrubbed of the secrets it might quote. */
export function presentEntry(entry: AuditEntry): AuditEventDetailView {
  return {
    ...presentSummary(entry),
    error: entry.error === null ? null : scrubError(entry.error, secretsOf(entry.changes)),
    changes: entry.changes.map(presentChange),
  };
}

function presentChange(change: AuditChange): AuditChangeView {
  return {
    kind: change.kind,
    key: change.key,
    op: change.op,
    cascade: change.cascade,
    before: redactMaybe(change.kind, change.before),
    after: redactMaybe(change.kind, change.after),
    diff: redactFieldChanges(change.kind, diffEntitySegments(change.before, change.after)),
  };
}

/** Secret strings of the changes (what redaction hides), longest first. */
function secretsOf(changes: readonly AuditChange[]): string[] {
  const found = new Set<string>();
  const walk = (kind: EntityKind, path: PathSegment[], value: JsonValue): void => {
    if (isSecretPath(kind, path)) {
      if (typeof value === 'string' && value !== '') found.add(value);
      return;
    }
    if (Array.isArray(value)) value.forEach((item, i) => walk(kind, [...path, i], item));
    else if (isJsonObject(value)) for (const [k, item] of Object.entries(value)) walk(kind, [...path, k], item);
  };
  for (const c of changes) for (const e of [c.before, c.after]) if (e !== null) walk(c.kind, [], e);
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * A Kong error can quote the value it refused (`UNIQUE violation detected on '{key="..."}'`). Every secret of
 * the event is replaced by the redaction marker; a secret too short to replace safely (it would mangle the text)
 * hides the message and fields altogether.
 */
export function scrubError(error: KongError, secrets: readonly string[]): KongError {
  let text = JSON.stringify(error);
  for (const secret of secrets) {
    const encoded = JSON.stringify(secret).slice(1, -1);
    if (!text.includes(encoded)) continue;
    if (encoded.length < 4) return { code: error.code, name: error.name, message: `${error.name} (${REDACTED})` };
    text = text.split(encoded).join(REDACTED);
  }
  return JSON.parse(text) as KongError;
}
