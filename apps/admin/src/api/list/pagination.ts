import { kongError, KONG_ERROR_CODES, type KongError } from '@gantry/config';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const TOKEN_PREFIX = 'g1:';
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** `?size=`: 100 when absent; Kong's code 9 errors otherwise. */
export function parsePageSize(raw: string | null): number | KongError {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const size = Number(raw);
  if (raw.trim() === '' || Number.isNaN(size)) return kongError(KONG_ERROR_CODES.INVALID_SIZE, 'size must be a number');
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    return kongError(KONG_ERROR_CODES.INVALID_SIZE, `size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** An opaque cursor: the sort key of the last item returned. Opaque to clients; only this module reads it. */
export function encodeOffset(lastKey: string): string {
  return Buffer.from(TOKEN_PREFIX + lastKey, 'utf8').toString('base64url');
}

/** The sort key a cursor points after; `undefined` for no cursor; Kong's code 7 error for a bad one. */
export function decodeOffset(raw: string | null): string | undefined | KongError {
  // An empty offset is what looping clients send when a server wrongly returned "": treat it as the first page.
  if (raw === null || raw === '') return undefined;
  if (!BASE64URL.test(raw)) return invalidOffset(raw, 'bad base64 encoding');
  const text = Buffer.from(raw, 'base64url').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX)) return invalidOffset(raw, 'bad offset encoding');
  return text.slice(TOKEN_PREFIX.length);
}

function invalidOffset(raw: string, reason: string): KongError {
  return kongError(KONG_ERROR_CODES.INVALID_OFFSET, `'${raw}' is not a valid offset: ${reason}`);
}

/** One page of a list sorted by key. */
export interface Page<T> {
  readonly data: T[];
  /** Cursor of the next page; undefined on the last page. */
  readonly offset?: string;
}

/**
 * Cuts the page that starts after `after` from `items` (sorted ascending by `keyOf`). Cursors are keys, not
 * positions, so pages stay stable while entities are added or removed between requests.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, size: number, after?: string): Page<T> {
  let start = 0;
  if (after !== undefined) {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(items[mid]) <= after) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const data = items.slice(start, start + size);
  const more = start + size < items.length;
  return more && data.length > 0 ? { data, offset: encodeOffset(keyOf(data[data.length - 1])) } : { data };
}
