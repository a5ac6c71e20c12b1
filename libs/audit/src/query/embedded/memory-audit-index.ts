import {
  AUDIT_BUCKET_SIZE,
  auditBucket,
  auditDay,
  auditIndexKeys,
  entityAliases,
  type AuditChange,
  type AuditDimension,
  type AuditEntry,
  type AuditSummary,
} from '@gantry/store';
import type { AliasTarget } from '../audit-backend';

const DAY_MS = 86_400_000;

/**
 * The audit index in memory: every summary by version, versions by index key, buckets by day, aliases. Entries
 * are added in version order, so every version list is sorted. An event's changes are kept as JSON text, parsed
 * when the event is shown: a fraction of the memory the entity objects would hold on to.
 */
export class MemoryAuditIndex {
  private readonly entries: AuditSummary[] = [];
  private readonly changes: string[] = [];
  private readonly versions = new Map<string, number[]>();
  private readonly bucketsByDay = new Map<number, Set<number>>();
  private readonly aliasTargets = new Map<string, Map<string, AliasTarget>>();

  /** The highest version added (versions start at 1 and have no gaps). */
  get version(): number {
    return this.entries.length;
  }

  add(entry: AuditEntry): void {
    if (entry.version !== this.entries.length + 1) {
      throw new Error(`audit index: version ${entry.version} out of order (expected ${this.entries.length + 1})`);
    }
    const { changes, ...summary } = entry;
    this.entries.push(summary);
    this.changes.push(JSON.stringify(changes));
    for (const [dimension, value] of auditIndexKeys(entry)) {
      const key = indexKey(dimension, value);
      const list = this.versions.get(key);
      if (list === undefined) this.versions.set(key, [entry.version]);
      else list.push(entry.version);
    }
    const day = auditDay(entry.timestamp);
    let buckets = this.bucketsByDay.get(day);
    if (buckets === undefined) this.bucketsByDay.set(day, (buckets = new Set()));
    buckets.add(auditBucket(entry.version));
    for (const [alias, kind, id] of entityAliases(entry)) {
      let targets = this.aliasTargets.get(alias);
      if (targets === undefined) this.aliasTargets.set(alias, (targets = new Map<string, AliasTarget>()));
      targets.set(`${kind}/${id}`, { kind, id });
    }
  }

  summary(version: number): AuditSummary | undefined {
    return version >= 1 ? this.entries[version - 1] : undefined;
  }

  entry(version: number): AuditEntry | undefined {
    const summary = this.summary(version);
    return summary && { ...summary, changes: JSON.parse(this.changes[version - 1]) as AuditChange[] };
  }

  *indexed(dimension: AuditDimension, value: string, lo: number, hi: number): Generator<number> {
    const list = this.versions.get(indexKey(dimension, value)) ?? [];
    for (let i = upperIndex(list, hi); i >= 0 && list[i] >= lo; i--) yield list[i];
  }

  *scan(lo: number, hi: number, buckets?: readonly number[]): Generator<AuditSummary> {
    const ranges = buckets?.map((b) => [b * AUDIT_BUCKET_SIZE, (b + 1) * AUDIT_BUCKET_SIZE - 1]) ?? [[lo, hi]];
    for (const [start, end] of ranges) {
      for (let v = Math.min(end, hi, this.entries.length); v >= Math.max(start, lo); v--) yield this.entries[v - 1];
    }
  }

  timeBuckets(since: number | undefined, until: number | undefined): number[] {
    const from = since === undefined ? -Infinity : Math.floor(since / DAY_MS);
    const to = until === undefined ? Infinity : Math.floor(until / DAY_MS);
    const found = new Set<number>();
    for (const [day, buckets] of this.bucketsByDay) {
      if (day >= from && day <= to) for (const b of buckets) found.add(b);
    }
    return [...found].sort((a, b) => b - a);
  }

  aliases(alias: string): AliasTarget[] {
    return [...(this.aliasTargets.get(alias)?.values() ?? [])];
  }
}

function indexKey(dimension: AuditDimension, value: string): string {
  return `${dimension}\u0000${value}`;
}

/** Index of the last element <= `max` in an ascending list, -1 when none. */
function upperIndex(list: readonly number[], max: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] <= max) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
