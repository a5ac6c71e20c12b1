import type { JsonValue } from '../json';

const LUA_KEYWORDS = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(
    ' ',
  ),
);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Renders a JSON value the way Kong's messages render Lua tables (penlight `pretty.write(t, "")`):
 * `{name="x"}`, `{consumer=null,service={id="..."}}`. Keys are sorted, as penlight sorts them, so
 * messages are stable and comparable with Kong's.
 */
export function luaPretty(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts: string[] = [];
    let hole = false;
    value.forEach((item, i) => {
      if (item === null) {
        hole = true;
        return;
      }
      parts.push(hole ? `[${i + 1}]=${luaPretty(item)}` : luaPretty(item));
    });
    return `{${parts.join(',')}}`;
  }
  const keys = Object.keys(value).sort();
  const parts = keys.map((k) => {
    const key = IDENTIFIER.test(k) && !LUA_KEYWORDS.has(k) ? k : `[${JSON.stringify(k)}]`;
    return `${key}=${luaPretty(value[k])}`;
  });
  return `{${parts.join(',')}}`;
}
