import { luaToNumber } from '../shared/lua-number';

/** Cache-Control directives: a number when the value is one, the text otherwise, `true` without a value. */
export type Directives = ReadonlyMap<string, number | string | true>;

/** No directives (also what an absent header parses to). */
export const NO_DIRECTIVES: Directives = new Map();
const DIRECTIVE = /^\s*([^=]+)(?:=([\s\S]+))?/;

/** Kong's `parse_directive_header`: comma-separated `name[=value]`, names lower-cased. */
export function parseDirectives(header: string | string[] | undefined): Directives {
  if (header === undefined) return NO_DIRECTIVES;
  const text = Array.isArray(header) ? header.join(', ') : header;
  const out = new Map<string, number | string | true>();
  for (const piece of text.split(',')) {
    const m = DIRECTIVE.exec(piece);
    if (m === null) continue;
    const value = m[2];
    out.set(m[1].toLowerCase(), value === undefined ? true : (luaToNumber(value) ?? value));
  }
  return out;
}

/** A directive's numeric value (`max-age=60`), or undefined. */
export function numericDirective(directives: Directives, name: string): number | undefined {
  const value = directives.get(name);
  return typeof value === 'number' ? value : undefined;
}

/**
 * Kong's `calculate_resource_ttl`, in seconds: `s-maxage`, else `max-age`, else `Expires` minus now; never
 * negative, 0 when nothing says.
 */
export function resourceTtl(
  directives: Directives,
  expires: string | string[] | undefined,
  nowSeconds: number,
): number {
  let maxAge = numericDirective(directives, 's-maxage') ?? numericDirective(directives, 'max-age');
  if (maxAge === undefined && expires !== undefined) {
    // With several Expires headers the last one wins.
    const last = Array.isArray(expires) ? expires[expires.length - 1] : expires;
    const at = Date.parse(last);
    if (!Number.isNaN(at)) maxAge = Math.floor(at / 1000) - nowSeconds;
  }
  return maxAge === undefined ? 0 : Math.max(maxAge, 0);
}
