import { RouterError } from './errors';
import type { HeaderRule } from './types';

/** Kong's marker for a case-insensitive regex header value. */
const REGEX_MARKER = '~*';

/**
 * Compiles a route's `headers` map. Values compare case-insensitively; a value starting with `~*` is a regex,
 * searched (unanchored) in the request value, case-insensitively (Kong 3's traditional_compatible router accepts
 * `~*` in any value). A regex that does not compile is dropped and reported.
 */
export function compileHeaders(
  routeId: string,
  headers: Readonly<Record<string, readonly string[]>>,
  report: (error: RouterError) => void,
): HeaderRule[] {
  const rules: HeaderRule[] = [];
  for (const [rawName, rawValues] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (name === 'host') continue; // Kong matches the Host header through `hosts` only.
    const values = new Set<string>();
    const patterns: RegExp[] = [];
    for (const value of rawValues) {
      if (!value.startsWith(REGEX_MARKER)) {
        values.add(value.toLowerCase());
        continue;
      }
      const source = value.slice(REGEX_MARKER.length);
      try {
        patterns.push(new RegExp(source, 'iu'));
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        report(
          new RouterError(
            'GANTRY_ROUTER_INVALID_REGEX',
            `header '${name}': invalid regex '${source}': ${reason}`,
            routeId,
          ),
        );
      }
    }
    rules.push({ name, values, patterns });
  }
  return rules;
}

function valueMatches(rule: HeaderRule, value: string, maxSubject: number): boolean {
  // Most values arrive lower-case already: try them as they are before paying for a lower-cased copy.
  if (rule.values.has(value)) return true;
  const lower = value.toLowerCase();
  if (lower !== value && rule.values.has(lower)) return true;
  if (lower.length > maxSubject) return false;
  for (const pattern of rule.patterns) if (pattern.test(lower)) return true;
  return false;
}

/** Whether the request carries every header of the route with one of its values. */
export function headersMatch(
  rules: readonly HeaderRule[],
  headers: Readonly<Record<string, string | string[] | undefined>>,
  maxSubject: number,
): boolean {
  for (const rule of rules) {
    const got = headers[rule.name];
    if (got === undefined) return false;
    if (typeof got === 'string') {
      if (!valueMatches(rule, got, maxSubject)) return false;
      continue;
    }
    let any = false;
    for (const value of got) {
      if (valueMatches(rule, value, maxSubject)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}
