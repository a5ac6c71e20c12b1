import type { AuditBackend } from './audit-backend';
import type { AuditFilter } from './audit-filter';
import { DEFAULT_SCAN_BUDGET, listEvents } from './list-events';
import { presentEntry, presentSummary, type AuditEventDetailView, type AuditEventView } from './present-event';

export interface AuditPageRequest {
  /** Events per page (the Admin API's `size`: 1 to 1000). */
  readonly size: number;
  /** The `next` of the previous page. */
  readonly upTo?: number;
}

export interface AuditPage {
  /** Newest first. */
  readonly data: AuditEventView[];
  /** Pass as `upTo` for the next page; undefined on the last page. */
  readonly next?: number;
}

/** The audit log read side: the port the Admin API's `/audit/events` routes use. Every answer is redacted. */
export interface AuditQuery {
  /** One page of events matching `filter`, newest first. */
  list(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage>;
  /** One event with a field-level diff per change; undefined when the version is not (yet) audited. */
  get(version: number): Promise<AuditEventDetailView | undefined>;
  /** Waits up to `timeoutMs` until events up to `version` are queryable (read-your-writes); never rejects. */
  sync(version: number, timeoutMs: number): Promise<void>;
}

export interface AuditLogOptions {
  /** Versions one list request may pull from the store, default 20,000. */
  readonly scanBudget?: number;
}

/** {@link AuditQuery} over a store adapter: the same planner and the same response shapes for every backend. */
export class AuditLog implements AuditQuery {
  constructor(
    private readonly backend: AuditBackend,
    private readonly options: AuditLogOptions = {},
  ) {}

  async list(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> {
    const result = await listEvents(this.backend, {
      filter,
      size: page.size,
      upTo: page.upTo,
      scanBudget: this.options.scanBudget ?? DEFAULT_SCAN_BUDGET,
    });
    const data = result.summaries.map(presentSummary);
    return result.next === undefined ? { data } : { data, next: result.next };
  }

  async get(version: number): Promise<AuditEventDetailView | undefined> {
    if (!Number.isSafeInteger(version) || version < 1) return undefined;
    if (version > (await this.backend.queryableVersion())) return undefined;
    const entry = await this.backend.entry(version);
    return entry === undefined ? undefined : presentEntry(entry);
  }

  sync(version: number, timeoutMs: number): Promise<void> {
    return this.backend.sync(version, timeoutMs).catch(() => undefined);
  }
}
