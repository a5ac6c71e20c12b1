import type { LogRecord } from '@gantry/event-log';
import { UnsupportedEventError, decodeRecord } from '@gantry/replica';
import type { StoredEventColumns } from './chain-source';

/**
 * The query columns the persister derives from a record (`events_by_bucket`), computed again from the record
 * itself, so a column changed without its value blob shows. Undecodable records get the fold's placeholder,
 * exactly as the persister stored them. Undefined for an event of a newer schema, which this build cannot read.
 */
export function expectedEventColumns(record: LogRecord): StoredEventColumns | undefined {
  let event;
  try {
    event = decodeRecord(record).event;
  } catch (error) {
    if (error instanceof UnsupportedEventError) return undefined;
    throw error;
  }
  return {
    event_id: event.id,
    type: event.type,
    kind: event.kind ?? null,
    entity_key: event.key ?? null,
    actor: event.actor,
    source: event.source,
    request_id: event.request_id,
    origin_region: event.origin_region,
    event_timestamp: new Date(event.timestamp).getTime(),
    idempotency_key: event.idempotency_key ?? null,
  };
}
