import { parseRfc3339 } from '../time-travel/point';
import { ReplayInvalidError } from './errors';

/** Where a replay stops: at a version, or after the last event written at or before a time (epoch ms). */
export type ReplayUntil = { readonly version: number } | { readonly time: number };

/** `42` is a version; `2025-01-31T12:00:00Z` (RFC 3339, with an offset) a time. Throws `ReplayInvalidError` otherwise. */
export function parseUntil(text: string): ReplayUntil {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const version = Number(trimmed);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new ReplayInvalidError(`"${text}" is not a version (an integer >= 1)`);
    }
    return { version };
  }
  // The same parser as `GET /config?at=`, so both read a time alike (calendar checked, offsets required).
  const time = parseRfc3339(trimmed);
  if (time === undefined) {
    throw new ReplayInvalidError(
      `"${text}" is neither a version (an integer >= 1) nor an RFC 3339 time such as 2025-01-31T12:00:00Z`,
    );
  }
  return { time };
}

export function describeUntil(until: ReplayUntil): string {
  return 'version' in until ? `version ${until.version}` : new Date(until.time).toISOString();
}
