import {
  AUDIT_BUCKET_SIZE,
  auditBucket,
  auditDay,
  auditIndexKeys,
  entityAliases,
  entityIndexValue,
  type AuditChange,
  type AuditDimension,
  type AuditEntry,
  type AuditSummary,
} from '@gantry/store';
import { ENTITY_KINDS } from '@gantry/config';
import type { AliasTarget } from '../audit-backend';
import { TextArena } from './text-arena';

const DAY_MS = 86_400_000;

/**
 * The audit index in memory: every summary by version, versions by index key, buckets by day, aliases. Entries
 * are added in version order, so every version list is sorted. An event's changes are kept as JSON text outside
 * the JS heap, parsed when the event is shown: a fraction of the memory the entity objects would hold on to, and
 * nothing for the garbage collector to copy.
 */
export class MemoryAuditIndex {
  private readonly entries: AuditSummary[] = [];
  /** Text `version - 1` is that version's changes as JSON. */
  private readonly changes = new TextArena();
  /** Versions by index key: one number until a second version comes (most entities change once or twice). */
  private readonly versions = new Map<string, number | number[]>();
  private readonly bucketsByDay = new Map<number, Set<number>>();
  /**
   * Entities by a name they had, keyed `kind/id` once a name has more than one. Ids are not kept here: an id is an
   * alias of the entities of every kind with that id in the `entity` index (see `aliases`), which saves an entry
   * per entity ever changed.
   */
  private readonly aliasTargets = new Map<string, AliasTarget | Map<string, AliasTarget>>();

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
    this.changes.add(JSON.stringify(changes));
    for (const [dimension, value] of auditIndexKeys(entry)) {
      const key = indexKey(dimension, value);
      const known = this.versions.get(key);
      if (known === undefined) this.versions.set(key, entry.version);
      else if (typeof known === 'number') this.versions.set(key, [known, entry.version]);
      else known.push(entry.version);
    }
    const day = auditDay(entry.timestamp);
    let buckets = this.bucketsByDay.get(day);
    if (buckets === undefined) this.bucketsByDay.set(day, (buckets = new Set()));
    buckets.add(auditBucket(entry.version));
    for (const [alias, kind, id] of entityAliases(entry)) {
      if (alias === id) continue;
      const known = this.aliasTargets.get(alias);
      if (known === undefined) this.aliasTargets.set(alias, { kind, id });
      else if (!(known instanceof Map)) {
        if (known.kind === kind && known.id === id) continue;
        this.aliasTargets.set(
          alias,
          new Map([
            [`${known.kind}/${known.id}`, known],
            [`${kind}/${id}`, { kind, id }],
          ]),
        );
      } else if (!known.has(`${kind}/${id}`)) known.set(`${kind}/${id}`, { kind, id });
    }
  }

  summary(version: number): AuditSummary | undefined {
    return version >= 1 ? this.entries[version - 1] : undefined;
  }

  entry(version: number): AuditEntry | undefined {
    const summary = this.summary(version);
    return summary && { ...summary, changes: JSON.parse(this.changes.get(version - 1)) as AuditChange[] };
  }

  *indexed(dimension: AuditDimension, value: string, lo: number, hi: number): Generator<number> {
    const known = this.versions.get(indexKey(dimension, value));
    const list = known === undefined ? [] : typeof known === 'number' ? [known] : known;
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

  /** The entities `alias` names: those with it as their id, and those that had it as their name. */
  aliases(alias: string): AliasTarget[] {
    const found: AliasTarget[] = [];
    for (const kind of ENTITY_KINDS) {
      if (this.versions.has(indexKey('entity', entityIndexValue(kind, alias)))) found.push({ kind, id: alias });
    }
    const named = this.aliasTargets.get(alias);
    if (named === undefined) return found;
    for (const target of named instanceof Map ? named.values() : [named]) {
      if (!found.some((t) => t.kind === target.kind && t.id === target.id)) found.push(target);
    }
    return found;
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
