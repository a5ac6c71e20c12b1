import { BadPointError } from './errors';

/** A point in the config's history as a caller wrote it: a version, or an instant (epoch ms). */
export type Point =
  { readonly kind: 'version'; readonly version: number } | { readonly kind: 'time'; readonly time: number };

const VERSION = /^\d{1,16}$/;
// RFC 3339 date-time. A '+' offset arrives as a space when a client forgets to escape it in a query string.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+\- ])(\d{2}):(\d{2}))$/;

const EXPECTED = 'expected a version (an integer >= 0) or an RFC 3339 time such as 2024-05-01T12:00:00Z';

/**
 * Parses `raw` (a query string value, or a JSON number or string from a body) as a version or an RFC 3339 time.
 * Throws {@link BadPointError} naming `param` otherwise. Calendar fields are checked (no February 30th).
 */
export function parsePoint(param: string, raw: unknown): Point {
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw >= 0) return { kind: 'version', version: raw };
    throw new BadPointError(param, EXPECTED);
  }
  if (typeof raw !== 'string')
    throw new BadPointError(param, raw === undefined || raw === null ? 'required' : EXPECTED);
  const text = raw.trim();
  if (text === '') throw new BadPointError(param, 'required');
  if (VERSION.test(text)) return { kind: 'version', version: Number(text) };
  const time = parseRfc3339(text);
  if (time === undefined) throw new BadPointError(param, EXPECTED);
  return { kind: 'time', time };
}

/** Epoch ms of an RFC 3339 date-time (fractions beyond milliseconds are dropped), or undefined when invalid. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  // RFC 3339 allows second 60 (a leap second); it reads as the next second.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
