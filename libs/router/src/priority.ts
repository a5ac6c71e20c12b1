import type { PathEntry } from './compile';

function descending(a: number, b: number): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function ascending(a: number | string, b: number | string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * The order in which entries win, best first (negative: `a` wins). Kong 3's traditional_compatible priority:
 * more matching attributes, plain hosts only, more headers, regex paths, higher regex_priority, longer plain
 * path; then, where Kong leaves the order to its internal ids, the older `created_at`, then the route id; within
 * one route, the variant and the position of the path in `paths`. Total: no two distinct entries compare equal.
 */
export function compareEntries(a: PathEntry, b: PathEntry): number {
  const x = a.variant;
  const y = b.variant;
  if (x !== y) {
    return (
      descending(x.weight, y.weight) ||
      descending(x.plainHostOnly, y.plainHostOnly) ||
      descending(x.headerCount, y.headerCount) ||
      descending(x.regexBit, y.regexBit) ||
      descending(x.regexPriority, y.regexPriority) ||
      descending(x.maxLength, y.maxLength) ||
      ascending(x.route.createdAt, y.route.createdAt) ||
      ascending(x.route.id, y.route.id) ||
      ascending(x.ordinal, y.ordinal)
    );
  }
  return ascending(a.index, b.index);
}
