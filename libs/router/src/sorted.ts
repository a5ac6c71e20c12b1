/** The index at which `item` is, or would be inserted, in `list` sorted by `compare`. */
function lowerBound<T>(list: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid], item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `item` into `list`, kept sorted by the total order `compare`: O(log n) comparisons. */
export function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  list.splice(lowerBound(list, item, compare), 0, item);
}

/** Removes `item` (by identity) from `list` sorted by `compare`; false when it is not there. */
export function removeSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): boolean {
  // Equal neighbours are only possible for entries of two versions of one route; look among them by identity.
  for (let at = lowerBound(list, item, compare); at < list.length && compare(list[at], item) === 0; at++) {
    if (list[at] === item) {
      list.splice(at, 1);
      return true;
    }
  }
  return false;
}
