import { AUDIT_BUCKET_SIZE, auditBucket, entityIndexValue, type AuditSummary } from '@gantry/store';
import type { AuditBackend } from './audit-backend';
import type { AuditFilter } from './audit-filter';
import { IntersectionCursor, IterableCursor, ScanBudget, UnionCursor, type VersionCursor } from './version-cursor';

/** Versions a list request may pull from the store before it answers with what it found (and a `next`). */
export const DEFAULT_SCAN_BUDGET = 20_000;
/** Summaries fetched per round trip. */
const SUMMARY_BATCH = 500;

export interface ListRequest {
  readonly filter: AuditFilter;
  readonly size: number;
  /** Only versions at or below this one (the cursor of a previous page). */
  readonly upTo?: number;
  readonly scanBudget?: number;
}

export interface ListResult {
  /** Newest first. */
  readonly summaries: AuditSummary[];
  /** Where the next page starts (inclusive), or undefined on the last page. */
  readonly next?: number;
}

/** True when a summary satisfies every filter a summary can show (entity filters are exact by construction). */
export function summaryMatches(s: AuditSummary, f: AuditFilter): boolean {
  return (
    (f.actor === undefined || s.actor === f.actor) &&
    (f.source === undefined || s.source === f.source) &&
    (f.kind === undefined || s.kinds.includes(f.kind)) &&
    (f.since === undefined || s.timestamp >= f.since) &&
    (f.until === undefined || s.timestamp <= f.until) &&
    (f.fromVersion === undefined || s.version >= f.fromVersion) &&
    (f.toVersion === undefined || s.version <= f.toVersion)
  );
}

/**
 * One page of audit events, newest first. The most selective filters drive the read: an entity (its aliases
 * resolved to ids, their version streams merged), else the kind, actor and source streams intersected; without any,
 * the events of the version range (only the buckets that hold the time range, when one is given) are scanned.
 * Every candidate is checked against the whole filter. A page may come back short, with a `next`, when the scan
 * budget runs out first: following `next` continues the scan.
 */
export async function listEvents(backend: AuditBackend, request: ListRequest): Promise<ListResult> {
  const { filter: f, size } = request;
  const head = await backend.queryableVersion();
  let hi = Math.min(head, f.toVersion ?? Infinity, request.upTo ?? Infinity);
  let lo = Math.max(1, f.fromVersion ?? 1);
  let buckets: number[] | undefined;
  if (hi >= lo && (f.since !== undefined || f.until !== undefined)) {
    const [low, high] = [auditBucket(lo), auditBucket(hi)];
    buckets = (await backend.timeBuckets(f.since, f.until)).filter((b) => b >= low && b <= high);
    if (buckets.length === 0) return { summaries: [] };
    hi = Math.min(hi, (buckets[0] + 1) * AUDIT_BUCKET_SIZE - 1);
    lo = Math.max(lo, buckets[buckets.length - 1] * AUDIT_BUCKET_SIZE);
  }
  if (hi < lo) return { summaries: [] };
  const budget = new ScanBudget(request.scanBudget ?? DEFAULT_SCAN_BUDGET);
  const cursors = await indexCursors(backend, f, lo, hi, budget);
  if (cursors === undefined) return { summaries: [] };
  const more = (version: number) => (version - 1 >= lo ? version - 1 : undefined);
  const found: AuditSummary[] = [];

  if (cursors.length === 0) {
    for await (const summary of backend.scan(lo, hi, buckets)) {
      budget.take();
      if (summaryMatches(summary, f)) found.push(summary);
      if (found.length === size || budget.exhausted) return { summaries: found, next: more(summary.version) };
    }
    return { summaries: found };
  }

  const cursor = cursors.length === 1 ? cursors[0] : new IntersectionCursor(cursors, budget);
  for (;;) {
    const batch: number[] = [];
    while (batch.length < Math.min(SUMMARY_BATCH, size - found.length)) {
      const version = await cursor.peek();
      if (version === undefined) break;
      batch.push(version);
      await cursor.pop();
      if (budget.exhausted) break;
    }
    const summaries = (await backend.summaries(batch)).sort((a, b) => b.version - a.version);
    for (const summary of summaries) {
      if (!summaryMatches(summary, f)) continue;
      found.push(summary);
      if (found.length === size) return { summaries: found, next: more(summary.version) };
    }
    if (budget.exhausted) {
      const frontier = cursor instanceof IntersectionCursor ? cursor.frontier : undefined;
      const next = frontier ?? (batch.length > 0 ? more(batch[batch.length - 1]) : undefined);
      return { summaries: found, next: next !== undefined && next >= lo ? next : undefined };
    }
    if (batch.length === 0) return { summaries: found };
  }
}

/** The index streams the filter selects on; [] for none (scan), undefined when nothing can match. */
async function indexCursors(
  backend: AuditBackend,
  f: AuditFilter,
  lo: number,
  hi: number,
  budget: ScanBudget,
): Promise<VersionCursor[] | undefined> {
  const stream = (dimension: 'actor' | 'source' | 'kind' | 'entity', value: string) =>
    new IterableCursor(backend.indexed(dimension, value, lo, hi), budget);
  const cursors: VersionCursor[] = [];
  if (f.entity !== undefined) {
    const targets = (await backend.aliases(f.entity)).filter((t) => f.kind === undefined || t.kind === f.kind);
    if (targets.length === 0) return undefined;
    const streams = targets.map((t) => stream('entity', entityIndexValue(t.kind, t.id)));
    // One entity's history is short: the other filters are checked on its summaries rather than intersected
    // with streams that may be long (every event of an actor).
    return [streams.length === 1 ? streams[0] : new UnionCursor(streams)];
  }
  if (f.kind !== undefined) cursors.push(stream('kind', f.kind));
  if (f.actor !== undefined) cursors.push(stream('actor', f.actor));
  if (f.source !== undefined) cursors.push(stream('source', f.source));
  return cursors;
}
