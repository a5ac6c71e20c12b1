import { kongError, KONG_ERROR_CODES, type KongError } from '@gantry/config';

/** A `?tags=` filter: every tag (`a,b`) or any tag (`a/b`). */
export interface TagsFilter {
  readonly mode: 'and' | 'or';
  readonly tags: readonly string[];
}

// Tag characters accepted in a filter: printable ASCII except ',' and '/', plus any non-ASCII character.
const TAG_CHARS = '[\\x20-\\x2B\\x2D\\x2E\\x30-\\x7E\\u0080-\\uFFFF]+';
const AND_RE = new RegExp(`^(?:${TAG_CHARS}(?:,|$))+$`);
const OR_RE = new RegExp(`^(?:${TAG_CHARS}(?:/|$))+$`);
const ALLOWED = /^[A-Za-z0-9._~-]+$/;
const MAX_TAGS = 5;

function invalid(reason: string): KongError {
  return kongError(KONG_ERROR_CODES.INVALID_OPTIONS, `invalid option (tags: ${reason})`, { tags: reason });
}

/** Parses `?tags=`; `undefined` when absent; Kong's code 11 "invalid option" errors otherwise. */
export function parseTagsFilter(raw: string | null): TagsFilter | undefined | KongError {
  if (raw === null) return undefined;
  let filter: TagsFilter;
  if (AND_RE.test(raw)) filter = { mode: 'and', tags: raw.split(',').filter((t) => t !== '') };
  else if (OR_RE.test(raw)) filter = { mode: 'or', tags: raw.split('/').filter((t) => t !== '') };
  else return invalid('invalid filter syntax');
  if (filter.tags.length > MAX_TAGS) return invalid(`cannot query more than ${MAX_TAGS} tags`);
  if (!ALLOWED.test(filter.tags.join(''))) return invalid("must only contain alphanumeric and '., -, _, ~' characters");
  return filter;
}

/** True when an entity's `tags` satisfy the filter. */
export function matchesTags(tags: unknown, filter: TagsFilter): boolean {
  if (!Array.isArray(tags)) return false;
  return filter.mode === 'and' ? filter.tags.every((t) => tags.includes(t)) : filter.tags.some((t) => tags.includes(t));
}
