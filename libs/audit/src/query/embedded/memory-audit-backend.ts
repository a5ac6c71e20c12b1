import type { AuditDimension, AuditEntry, AuditSummary } from '@gantry/store';
import type { AliasTarget, AuditBackend } from '../audit-backend';
import { MemoryAuditIndex } from './memory-audit-index';

/** {@link AuditBackend} over an in-memory index that someone else fills. */
export class MemoryAuditBackend implements AuditBackend {
  constructor(readonly index: MemoryAuditIndex = new MemoryAuditIndex()) {}

  queryableVersion(): Promise<number> {
    return Promise.resolve(this.index.version);
  }

  sync(_version: number, _timeoutMs: number): Promise<void> {
    return Promise.resolve();
  }

  indexed(dimension: AuditDimension, value: string, lo: number, hi: number): AsyncIterable<number> {
    return asAsync(this.index.indexed(dimension, value, lo, hi));
  }

  scan(lo: number, hi: number, buckets?: readonly number[]): AsyncIterable<AuditSummary> {
    return asAsync(this.index.scan(lo, hi, buckets));
  }

  timeBuckets(since: number | undefined, until: number | undefined): Promise<number[]> {
    return Promise.resolve(this.index.timeBuckets(since, until));
  }

  aliases(alias: string): Promise<AliasTarget[]> {
    return Promise.resolve(this.index.aliases(alias));
  }

  summaries(versions: readonly number[]): Promise<AuditSummary[]> {
    return Promise.resolve(versions.flatMap((v) => this.index.summary(v) ?? []));
  }

  entry(version: number): Promise<AuditEntry | undefined> {
    return Promise.resolve(this.index.entry(version));
  }
}

/** A synchronous iterator served as an async one (the planner is written against async stores). */
function asAsync<T>(items: Iterator<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve(items.next()) }) };
}
