import type { ConfigState } from '@gantry/config';
import { LogClosedError, LogPositionError, type ConfigLog, type LogRecord } from '@gantry/event-log';
import { childLogger, type Logger } from '@gantry/logging';
import type { EventHistory, SnapshotRecord, SnapshotStore } from '@gantry/store';
import { Backoff, type BackoffOptions } from './backoff';
import type { AppliedListener, ConfigReplica, ReplicaOutcome, ReplicaStatus } from './config-replica';
import {
  ReplicaBootError,
  ReplicaClosedError,
  ReplicaHistoryGapError,
  UnsupportedEventError,
  errorMessage,
} from './errors';
import type { FirstOutcome, IdempotencyLimits } from './fold/idempotency-window';
import { ReplicaFold } from './fold/replica-fold';
import { OutcomeWindow } from './outcome-window';
import { LogFollower, type FollowerDecision } from './tail/log-follower';
import { VersionWaiters } from './tail/version-waiters';

export interface LogConfigReplicaOptions {
  /** A started log. */
  readonly log: ConfigLog;
  /** A started snapshot store; the replica only reads it (see `Snapshotter` for writing). */
  readonly snapshots: SnapshotStore;
  /** Where versions the log no longer holds are read from (Cassandra in cluster mode). */
  readonly history?: EventHistory;
  readonly logger?: Logger;
  /** Outcomes kept for `outcomeOf`, default 10000 versions. */
  readonly outcomeWindow?: number;
  /** Must be the same on every replica and persister of a cluster. */
  readonly idempotency?: IdempotencyLimits;
  /** Between attempts to resubscribe to the log after it failed. */
  readonly backoff?: BackoffOptions;
}

type Phase = 'new' | 'booting' | 'running' | 'closed';

/**
 * A process's fold of the config log (see `ConfigReplica`). Boot: newest snapshot, then what the log no longer
 * holds from the event history, then the log from the next version. It stays up through log outages, serving its
 * last version and resubscribing with backoff.
 */
export class LogConfigReplica implements ConfigReplica {
  private readonly logger: Logger;
  private fold = new ReplicaFold();
  private readonly outcomes: OutcomeWindow;
  private readonly waiters = new VersionWaiters();
  private readonly listeners = new Set<AppliedListener>();
  private follower: LogFollower | undefined;
  private phase: Phase = 'new';
  private starting: Promise<void> | undefined;
  private bootHead = 0;
  private headVersion = 0;
  private caughtUp = false;
  private bootedFromSnapshot = 0;
  private lastAppliedAt: number | null = null;
  private lastError: string | null = null;
  private bootSettled: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly bootBackoff: Backoff;

  constructor(private readonly options: LogConfigReplicaOptions) {
    this.logger = options.logger ?? childLogger('replica');
    this.outcomes = new OutcomeWindow(options.outcomeWindow ?? 10_000);
    this.bootBackoff = new Backoff(options.backoff);
  }

  get state(): ConfigState {
    return this.fold.state;
  }

  /**
   * Boots and resolves once the replica has folded everything the log held when it started. While the log is
   * unreachable it keeps retrying (see `status().lastError`). Rejects with a coded error when boot cannot go on:
   * `ReplicaHistoryGapError`, `ReplicaBootError`, `UnsupportedEventError`.
   */
  start(): Promise<void> {
    this.starting ??= this.boot();
    return this.starting;
  }

  version(): number {
    return this.fold.version;
  }

  waitForVersion(version: number, timeoutMs: number): Promise<void> {
    if (this.phase === 'closed') return Promise.reject(new ReplicaClosedError('the replica is closed'));
    return this.waiters.wait(version, timeoutMs, () => this.fold.version);
  }

  outcomeOf(version: number): ReplicaOutcome | undefined {
    return this.outcomes.get(version);
  }

  idempotent(key: string): FirstOutcome | undefined {
    return this.fold.idempotency.get(key);
  }

  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): SnapshotRecord {
    return this.fold.toSnapshot();
  }

  status(): ReplicaStatus {
    return { ...this.progress(), hash: this.fold.hash() };
  }

  /** `status()` without the state hash, which costs a pass over every entity after each change: for health probes. */
  progress(): Omit<ReplicaStatus, 'hash'> {
    const version = this.fold.version;
    const headVersion = Math.max(this.headVersion, version);
    return {
      version,
      headVersion,
      lag: headVersion - version,
      caughtUp: this.caughtUp,
      bootedFromSnapshot: this.bootedFromSnapshot,
      lastAppliedAt: this.lastAppliedAt,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.waiters.closeAll();
    this.bootBackoff.abort();
    this.bootSettled?.reject(new ReplicaClosedError('the replica was closed while booting'));
    await this.follower?.close();
  }

  private async boot(): Promise<void> {
    if (this.phase !== 'new') throw new ReplicaClosedError('the replica is closed');
    this.phase = 'booting';
    const started = Date.now();
    await this.restoreSnapshot();
    this.bootHead = await this.retryUntilClosed(() => this.options.log.headVersion(), 'reading the log head');
    this.headVersion = this.bootHead;
    const settled = new Promise<void>((resolve, reject) => (this.bootSettled = { resolve, reject }));
    this.follower = new LogFollower(
      {
        log: this.options.log,
        history: this.options.history,
        logger: this.logger,
        handle: (record) => this.apply(record),
        onError: (error) => this.onTailError(error),
        onRecovered: () => {
          this.lastError = null;
          this.logger.info({ version: this.fold.version }, 'config log tail recovered');
        },
        backoff: this.options.backoff,
      },
      this.fold.version + 1,
    );
    this.checkCaughtUp();
    // close() may have run while this was awaiting.
    if ((this.phase as Phase) === 'closed') throw new ReplicaClosedError('the replica was closed while booting');
    this.phase = 'running';
    this.follower.start();
    await settled;
    this.logger.info(
      { version: this.fold.version, bootedFromSnapshot: this.bootedFromSnapshot, ms: Date.now() - started },
      'replica caught up',
    );
  }

  private async restoreSnapshot(): Promise<void> {
    let snapshot: SnapshotRecord | null;
    try {
      snapshot = await this.options.snapshots.latest();
    } catch (error) {
      await this.bootWithoutSnapshot(`the snapshot store failed: ${errorMessage(error)}`);
      return;
    }
    if (snapshot === null) return;
    try {
      this.fold = ReplicaFold.fromSnapshot(snapshot, this.options.idempotency);
      this.bootedFromSnapshot = snapshot.version;
    } catch (error) {
      await this.bootWithoutSnapshot(`snapshot at version ${snapshot.version} is unusable: ${errorMessage(error)}`);
    }
  }

  /** Folding the whole log instead is correct, only slower; it needs a log that still starts at version 1. */
  private async bootWithoutSnapshot(reason: string): Promise<void> {
    const earliest = await this.retryUntilClosed(() => this.options.log.earliestVersion(), 'reading the log start');
    if (earliest !== 1 && !this.options.history) {
      throw new ReplicaBootError(`${reason}, and the log starts at version ${earliest} with no event history`);
    }
    this.logger.warn({ reason }, 'booting without a snapshot: folding the log from version 1');
  }

  private apply(record: LogRecord): void {
    const outcome = this.fold.apply(record);
    this.lastAppliedAt = Date.now();
    if (record.version > this.headVersion) this.headVersion = record.version;
    this.outcomes.add(outcome);
    for (const listener of this.listeners) {
      try {
        listener(outcome, this.fold.state);
      } catch (error) {
        this.logger.error({ err: errorMessage(error), version: record.version }, 'an applied-listener threw');
      }
    }
    this.waiters.reached(record.version);
    this.checkCaughtUp();
  }

  private checkCaughtUp(): void {
    if (this.caughtUp || this.fold.version < this.bootHead) return;
    this.caughtUp = true;
    this.bootSettled?.resolve();
  }

  /** Errors that more waiting cannot fix stop the tail; during boot they also fail `start()`. */
  private onTailError(error: unknown): FollowerDecision {
    this.lastError = errorMessage(error);
    const fatal =
      error instanceof UnsupportedEventError ||
      error instanceof LogPositionError ||
      error instanceof LogClosedError ||
      (error instanceof ReplicaHistoryGapError && !this.caughtUp);
    if (!fatal) return 'retry';
    this.logger.error({ err: this.lastError, version: this.fold.version }, 'config log tail stopped for good');
    this.bootSettled?.reject(error instanceof Error ? error : new Error(String(error)));
    return 'stop';
  }

  private async retryUntilClosed<T>(call: () => Promise<T>, what: string): Promise<T> {
    for (;;) {
      if (this.phase === 'closed') throw new ReplicaClosedError('the replica was closed while booting');
      try {
        const value = await call();
        this.bootBackoff.reset();
        this.lastError = null;
        return value;
      } catch (error) {
        this.lastError = `${what}: ${errorMessage(error)}`;
        this.logger.warn({ err: this.lastError }, 'config log unavailable while booting; retrying');
        await this.bootBackoff.wait();
      }
    }
  }
}
