import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { canonicalJson } from '@gantry/config';
import type { LogRecord } from '@gantry/event-log';

/** Names the hash input's layout; a new layout gets a new `chain_version`, never a silent change. */
export const CHAIN_FORMAT = 'gantry.audit-chain';
export const CHAIN_FORMAT_VERSION = 1;
/** The `prev_hash` of version 1. */
export const GENESIS_HASH = '0'.repeat(64);

const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** True for a lowercase hex SHA-256 digest, the only form hashes are stored in. */
export function isChainHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_PATTERN.test(value);
}

/**
 * The exact text hashed for one record (see docs/audit.md): the canonical JSON of
 * `{ chain, chain_version, version, prev_hash, event }`, where `event` is the record's value read as JSON. A value
 * that is not UTF-8 JSON (or does not survive the round trip through UTF-8 unchanged) is carried as
 * `raw` (base64) instead, so every byte of every record is covered. Hashing the value's meaning rather than its
 * bytes lets any store that re-encodes an event (Cassandra, a replay) still be verified.
 */
export function chainInput(record: Pick<LogRecord, 'version' | 'value'>, prevHash: string): string {
  const head = {
    chain: CHAIN_FORMAT,
    chain_version: CHAIN_FORMAT_VERSION,
    version: record.version,
    prev_hash: prevHash,
  };
  const event = jsonValue(record.value);
  if (event !== undefined) {
    try {
      return canonicalJson({ ...head, event: event.value });
    } catch {
      // Parsed, but not encodable (1e400 reads as Infinity): carried raw like any other non-JSON value.
    }
  }
  return canonicalJson({ ...head, raw: record.value.toString('base64') });
}

/** Lowercase hex SHA-256 of {@link chainInput}. */
export function chainHash(record: Pick<LogRecord, 'version' | 'value'>, prevHash: string): string {
  return createHash('sha256').update(chainInput(record, prevHash), 'utf8').digest('hex');
}

function jsonValue(bytes: Buffer): { value: unknown } | undefined {
  // Invalid UTF-8 decodes to U+FFFD, so two different byte strings could read as one value: keep those raw. Valid
  // UTF-8 is exactly what survives decoding and encoding again unchanged, checked here without the round trip.
  if (!isUtf8(bytes)) return undefined;
  try {
    return { value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}
