import type { SourceEntry } from '../config/discovery-config';
import { DiscoveryConfigError } from '../config/discovery-config';

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Turns a config-file entry (snake_case, as the rest of Gantry's config) into a source's options (camelCase),
 * refusing keys the source does not know so a typo is an error, not a silently ignored setting. `verbatim`
 * keys keep their value as written (Kong entity fields such as `upstream_defaults`).
 */
export function entryOptions(
  entry: SourceEntry,
  where: string,
  known: Readonly<Record<string, readonly string[] | true>>,
  verbatim: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    const allowed = known[key];
    if (allowed === undefined) throw new DiscoveryConfigError(`${where}: unknown option '${key}'`);
    if (
      verbatim.includes(key) ||
      allowed === true ||
      value === null ||
      typeof value !== 'object' ||
      Array.isArray(value)
    ) {
      out[camel(key)] = value;
      continue;
    }
    const nested: Record<string, unknown> = {};
    for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
      if (!allowed.includes(inner)) throw new DiscoveryConfigError(`${where}.${key}: unknown option '${inner}'`);
      nested[camel(inner)] = innerValue;
    }
    out[camel(key)] = nested;
  }
  return out;
}
