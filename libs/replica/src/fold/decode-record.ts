import {
  CONFIG_EVENT_SCHEMA_VERSION,
  KONG_ERROR_CODES,
  decodeEvent,
  kongError,
  type ConfigEvent,
  type KongError,
} from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';
import { UnsupportedEventError, errorMessage } from '../errors';

export type DecodedRecord =
  | { readonly ok: true; readonly event: ConfigEvent }
  | { readonly ok: false; readonly event: ConfigEvent; readonly error: KongError };

/**
 * Decodes one log record into the event the fold applies, with the version the log gave it.
 *
 * A record that is not a config event at all (broken JSON, a missing field) is folded as a rejected no-op: every
 * build of every replica reads the same bytes the same way, so they all agree, and the tail never stalls on it.
 * A record with a newer `schema_version` is different: newer builds do apply it, so this build must not guess.
 * It throws `UnsupportedEventError` and the replica stops before that version (see the README).
 */
export function decodeRecord(record: LogRecord): DecodedRecord {
  try {
    const event = decodeEvent(record.value);
    event.version = record.version;
    return { ok: true, event };
  } catch (error) {
    const schemaVersion = peekSchemaVersion(record.value);
    if (typeof schemaVersion === 'number' && schemaVersion > CONFIG_EVENT_SCHEMA_VERSION) {
      throw new UnsupportedEventError(record.version, errorMessage(error));
    }
    return {
      ok: false,
      event: placeholderEvent(record),
      error: kongError(
        KONG_ERROR_CODES.SCHEMA_VIOLATION,
        `undecodable config event at version ${record.version}: ${errorMessage(error)}`,
      ),
    };
  }
}

function peekSchemaVersion(value: Buffer): unknown {
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).schema_version : null;
  } catch {
    return null;
  }
}

/** Stands in for an event that could not be decoded, so outcomes keep one shape. It carries no changes. */
function placeholderEvent(record: LogRecord): ConfigEvent {
  return {
    schema_version: CONFIG_EVENT_SCHEMA_VERSION,
    id: `undecodable-${record.version}`,
    version: record.version,
    type: 'changeset',
    changes: [],
    actor: '',
    request_id: null,
    source: 'admin',
    origin_region: '',
    timestamp: record.timestamp,
    idempotency_key: null,
  };
}
