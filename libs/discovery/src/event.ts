import { changeset, createEvent, type Change, type ConfigEvent } from '@gantry/config';

/** Reasons kept in one event's audit text; the others are counted. */
const MAX_REASONS = 20;
const MAX_REASON_LENGTH = 2_000;

/** The audit text of a reconciliation driven by several inputs: each reason once, in order, bounded. */
export function joinReasons(reasons: readonly string[]): string {
  const unique = [...new Set(reasons.map((r) => r.trim()).filter((r) => r !== ''))];
  const shown = unique.slice(0, MAX_REASONS);
  let text = shown.join('; ');
  if (unique.length > shown.length) text += `; and ${unique.length - shown.length} more`;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

export interface DiscoveryEventMeta {
  /** The owner tag, `discovery:consul:dc1`: the actor of every event the source causes. */
  readonly tag: string;
  readonly region: string;
  readonly reason: string;
  readonly timestamp: number;
  readonly id: string;
}

/**
 * One reconciliation's event, shaped like an Admin API write: a single change is a plain create/update/delete
 * event (its kind and key then index the audit log), several are one changeset. `source` is `discovery`, the
 * actor names the source, `reason` says why. The idempotency key lets a retry after an unconfirmed append
 * answer with the first outcome instead of applying twice.
 */
export function discoveryEvent(changes: Change[], meta: DiscoveryEventMeta): ConfigEvent {
  const envelope = {
    id: meta.id,
    actor: meta.tag,
    source: 'discovery' as const,
    origin_region: meta.region,
    request_id: null,
    reason: meta.reason,
    timestamp: meta.timestamp,
    idempotency_key: `${meta.tag}:${meta.id}`,
  };
  return changes.length === 1 ? createEvent(changes[0], envelope) : changeset(changes, envelope);
}
