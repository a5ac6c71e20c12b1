import { isJsonObject, type JsonObject } from '../json';
import { isEntityKind } from '../kinds';
import {
  CHANGE_OPS,
  CONFIG_EVENT_SCHEMA_VERSION,
  EVENT_SOURCES,
  EVENT_TYPES,
  type Change,
  type ConfigEvent,
} from './types';

/** Thrown when bytes from the log are not a config event this build can read. */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';
}

/** Serialises an event for the log (plain JSON). */
export function encodeEvent(event: ConfigEvent): string {
  return JSON.stringify(event);
}

function fail(message: string): never {
  throw new EventDecodeError(message);
}

// Sets rather than `includes` on the constant arrays: every event of a replay goes through these checks.
const CHANGE_OP_SET: ReadonlySet<unknown> = new Set(CHANGE_OPS);
const EVENT_TYPE_SET: ReadonlySet<unknown> = new Set(EVENT_TYPES);
const EVENT_SOURCE_SET: ReadonlySet<unknown> = new Set(EVENT_SOURCES);

function isEntityOrNull(value: unknown): boolean {
  return value === null || (isJsonObject(value) && typeof value.id === 'string');
}

function checkChange(value: unknown, i: number): Change {
  if (!isJsonObject(value)) fail(`config event: changes[${i}] is not an object`);
  const c = value;
  if (!CHANGE_OP_SET.has(c.op)) fail(`config event: changes[${i}].op is invalid`);
  if (!isEntityKind(c.kind)) fail(`config event: changes[${i}].kind ${JSON.stringify(c.kind)} is not an entity kind`);
  if (typeof c.key !== 'string') fail(`config event: changes[${i}].key must be a string`);
  if (!isEntityOrNull(c.before) || !isEntityOrNull(c.after)) {
    fail(`config event: changes[${i}].before/after must be entities with an id, or null`);
  }
  return c as unknown as Change;
}

/** The text of `data`; a Buffer (what logs hand out) is read in place, not copied first. */
function utf8(data: Uint8Array): string {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return buffer.toString('utf8');
}

/**
 * Parses and checks an event read from the log. Rejects envelopes of an unknown `schema_version` first, with a
 * message that says which version this build reads, so an old replica fails loudly instead of misreading.
 */
export function decodeEvent(data: string | Uint8Array): ConfigEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : utf8(data));
  } catch (e) {
    fail(`config event is not valid JSON: ${(e as Error).message}`);
  }
  if (!isJsonObject(parsed)) fail('config event must be a JSON object');
  const e: JsonObject = parsed;
  if (e.schema_version !== CONFIG_EVENT_SCHEMA_VERSION) {
    fail(
      `unsupported config event schema_version ${JSON.stringify(e.schema_version)}: ` +
        `this build reads schema_version ${CONFIG_EVENT_SCHEMA_VERSION}; upgrade it before reading newer events`,
    );
  }
  if (typeof e.id !== 'string' || e.id === '') fail('config event: id must be a non-empty string');
  if (typeof e.version !== 'number' || !Number.isInteger(e.version) || e.version < 0) {
    fail('config event: version must be a non-negative integer');
  }
  if (!EVENT_TYPE_SET.has(e.type)) fail(`config event: type ${JSON.stringify(e.type)} is invalid`);
  if (!EVENT_SOURCE_SET.has(e.source)) {
    fail(`config event: source ${JSON.stringify(e.source)} is invalid`);
  }
  if (typeof e.actor !== 'string') fail('config event: actor must be a string');
  if (e.request_id !== null && typeof e.request_id !== 'string')
    fail('config event: request_id must be a string or null');
  if (e.reason !== undefined && e.reason !== null && typeof e.reason !== 'string') {
    fail('config event: reason must be a string or null');
  }
  if (typeof e.origin_region !== 'string') fail('config event: origin_region must be a string');
  if (typeof e.timestamp !== 'number' || !Number.isFinite(e.timestamp))
    fail('config event: timestamp must be a number');
  if (e.kind !== undefined && !isEntityKind(e.kind)) fail('config event: kind is not an entity kind');
  if (e.key !== undefined && typeof e.key !== 'string') fail('config event: key must be a string');
  if (e.idempotency_key !== undefined && e.idempotency_key !== null && typeof e.idempotency_key !== 'string') {
    fail('config event: idempotency_key must be a string or null');
  }
  if (
    e.request_fingerprint !== undefined &&
    e.request_fingerprint !== null &&
    typeof e.request_fingerprint !== 'string'
  ) {
    fail('config event: request_fingerprint must be a string or null');
  }
  if (!Array.isArray(e.changes)) fail('config event: changes must be an array');
  const changes = e.changes;
  for (let i = 0; i < changes.length; i++) checkChange(changes[i], i);
  if (e.type !== 'changeset' && e.type !== 'replace' && changes.length !== 1) {
    fail(`config event: a ${JSON.stringify(e.type)} event carries exactly one change`);
  }
  return e as unknown as ConfigEvent;
}
