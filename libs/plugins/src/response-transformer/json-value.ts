import { luaToNumber } from '../shared/lua-number';
import type { JsonType } from './schema';

/**
 * The JSON value Kong puts in the body for a configured value (`json_value`). Kong encodes the text as a JSON
 * string and strips the quotes again, so escapes other than `\"` stay doubled (`a\b` gives `a\\b`), and an
 * entry without a value gives the text `null`. `number` and `boolean` then convert the text; undefined (a
 * number that does not parse) means the entry is skipped.
 */
export function jsonValue(raw: string | null, type: JsonType | undefined): string | number | boolean | undefined {
  const text = raw === null ? 'null' : JSON.stringify(raw).slice(1, -1).replace(/\\"/g, '"');
  if (type === 'number') return luaToNumber(text);
  if (type === 'boolean') return text === 'true';
  return text;
}
