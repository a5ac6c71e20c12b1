import type { ConfigLog, LogRecord } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import {
  IdempotencyWindow,
  LogFollower,
  ReplicaFold,
  UnsupportedEventError,
  type IdempotencyLimits,
} from '@gantry/replica';
import { auditEntry, type EventHistory } from '@gantry/store';
import { MemoryAuditBackend } from './memory-audit-backend';

export interface EmbeddedAuditBackendOptions {
  /** The process's log; the backend subscribes to it but does not own it. */
  readonly log: ConfigLog;
  /** Where versions the log dropped are read from (never needed with the embedded log, which keeps everything). */
  readonly history?: EventHistory;
  /** Must match the replicas' (the default everywhere today). */
  readonly idempotency?: IdempotencyLimits;
  readonly logger?: Logger;
}

interface Waiter {
  readonly version: number;
  readonly done: () => void;
  timer?: NodeJS.Timeout;
}

/**
 * The audit log without Cassandra: the log is the history. Follows the log from version 1 with its own fold (the
 * replicas' fold, so cascades, rejections and duplicates match theirs) and indexes each event in memory. Starts
 * on first use or `start()`. Memory grows with the history, which suits standalone mode's scale.
 */
export class EmbeddedAuditBackend extends MemoryAuditBackend {
  private readonly fold: ReplicaFold;
  private readonly logger: Logger;
  private follower: LogFollower | undefined;
  private closed = false;
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly options: EmbeddedAuditBackendOptions) {
    super();
    this.fold = new ReplicaFold(undefined, new IdempotencyWindow(options.idempotency));
    this.logger = options.logger ?? childLogger('audit-index');
  }

  /** Starts following the log (idempotent; a no-op once closed). */
  start(): void {
    if (this.follower !== undefined || this.closed) return;
    this.follower = new LogFollower(
      {
        log: this.options.log,
        history: this.options.history,
        logger: this.logger,
        handle: (record) => this.add(record),
        onError: (error) => {
          if (this.closed || error instanceof UnsupportedEventError) return 'stop';
          return (error as { code?: unknown }).code === 'GANTRY_LOG_CLOSED' ? 'stop' : 'retry';
        },
      },
      1,
    );
    this.follower.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters) waiter.done();
    await this.follower?.close();
  }

  override queryableVersion(): Promise<number> {
    this.start();
    return super.queryableVersion();
  }

  override sync(version: number, timeoutMs: number): Promise<void> {
    this.start();
    if (this.index.version >= version || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        version,
        done: () => {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      waiter.timer = setTimeout(waiter.done, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private add(record: LogRecord): void {
    this.index.add(auditEntry(record, this.fold.apply(record)));
    for (const waiter of this.waiters) if (waiter.version <= record.version) waiter.done();
  }
}
