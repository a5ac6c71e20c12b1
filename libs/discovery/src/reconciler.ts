import { randomUUID } from 'node:crypto';
import type { BuildContext, ConfigEvent, ConfigState } from '@gantry/config';
import { childLogger, type Logger } from '@gantry/logging';
import type { ConfigWriter } from '@gantry/replica';
import { normalizeDesired, type DesiredTargets, type WantedUpstream } from './desired';
import { EmptyPayloadGuard } from './empty-payload-guard';
import { ReconcilerClosedError } from './errors';
import { discoveryEvent, joinReasons } from './event';
import { FlapDamper } from './flap-damper';
import {
  checkReconcilerOptions,
  DEFAULT_EMPTY_GRACE_MS,
  DEFAULT_MIN_CHANGE_INTERVAL_MS,
  type ReconcilerOptions,
} from './options';
import { upstreamsWithOwnedTargets } from './ownership';
import { PendingWork, type Scope } from './pending-work';
import { addToTally, dryRun, emptyTally, takeWithinLimit, touchedTargets, type Part, type Tally } from './plan/parts';
import { planUpstream, type PlanContext, type UpstreamPlan } from './plan/upstream-plan';
import type { InvalidDesired, ReconcileReport } from './report';
import { RetryDelay } from './retry-delay';
import { sendEvent } from './send-event';
import { ownerTag, type DiscoverySink } from './source';
import type { ReconcilerStatus } from './status';
import { systemClock, systemTimers, type Clock, type TimerHandle, type Timers } from './timers';
import { WakeSchedule } from './wake-schedule';

interface Waiter {
  resolve(report: ReconcileReport): void;
  reject(error: Error): void;
}

/** Written parts of a reconciliation, for its report. */
interface Progress {
  readonly tally: Tally;
  events: number;
  version: number | undefined;
}

/**
 * Turns one source's desired targets into config events. It keeps the latest desired state per upstream, diffs
 * it against the targets the source owns in the fold (owned = tagged `discovery:<source>`), and appends what
 * differs as one event per reconciliation through the writer, with the source as actor and the inputs' reasons.
 * Reconciliations run one at a time; input arriving meanwhile is merged into the next one. See README.md.
 */
export class Reconciler implements DiscoverySink {
  readonly sourceId: string;
  /** `discovery:<source>`: the tag on every target this source owns, and the actor of its events. */
  readonly ownerTag: string;
  private readonly fold: { readonly state: ConfigState };
  private readonly writer: ConfigWriter;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly region: string;
  private readonly graceMs: number;
  private readonly intervalMs: number;
  private readonly writeDeadlineMs: number | undefined;
  private readonly build: Partial<BuildContext>;
  private readonly guard: EmptyPayloadGuard;
  private readonly damper: FlapDamper;
  private readonly retry: RetryDelay;
  private readonly wakes: WakeSchedule;

  private readonly desired = new Map<string, WantedUpstream>();
  /** The reason of the input that set each upstream's desired state, quoted by follow-ups. */
  private readonly desiredReason = new Map<string, string>();
  private readonly pending = new PendingWork();
  /** Work of failed reconciliations, run again when the retry timer fires (or with the next input once stalled). */
  private readonly failedWork = new PendingWork();
  private waiters: Waiter[] = [];
  private running: Promise<void> | undefined;
  private reconciling = false;
  private retryTimer: TimerHandle | undefined;
  /** An event whose append was not confirmed: resent as is (same idempotency key) before anything else. */
  private inDoubt: { readonly event: ConfigEvent; readonly parts: Part[] } | undefined;
  private changeLimit: number;
  private closed = false;

  private eventsWritten = 0;
  private lastVersion: number | null = null;
  private lastSyncedAt: number | null = null;
  private lastResyncAt: number | null = null;
  private lastError: string | null = null;
  private lastDeferred = 0;
  private stalled = false;

  constructor(options: ReconcilerOptions) {
    checkReconcilerOptions(options);
    this.sourceId = options.source;
    this.ownerTag = ownerTag(options.source);
    this.fold = options.fold;
    this.writer = options.writer;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.logger = (options.logger ?? childLogger('discovery')).child({ source: this.sourceId });
    this.region = options.region ?? 'local';
    this.graceMs = options.emptyGraceMs ?? DEFAULT_EMPTY_GRACE_MS;
    this.intervalMs = options.minChangeIntervalMs ?? DEFAULT_MIN_CHANGE_INTERVAL_MS;
    this.writeDeadlineMs = options.writeDeadlineMs;
    this.build = { now: () => this.clock.now(), ...options.build };
    this.guard = new EmptyPayloadGuard(this.graceMs, options.emptyGraceMinTargets);
    this.damper = new FlapDamper(this.intervalMs);
    this.retry = new RetryDelay(options.retry);
    this.changeLimit = options.maxChangesPerEvent ?? Number.POSITIVE_INFINITY;
    this.wakes = new WakeSchedule(this.clock, this.timers, (names, reasons) => this.enqueue(names, reasons));
  }

  /**
   * Replaces the whole desired state with `snapshot` and reconciles every upstream: those the source owns
   * targets on and the snapshot does not name go to empty (their removal waits for the grace period). Watchers
   * call it on start and after any watch error.
   */
  resync(snapshot: DesiredTargets): Promise<ReconcileReport> {
    this.assertOpen();
    const wanted = normalizeDesired(snapshot);
    this.desired.clear();
    this.desiredReason.clear();
    for (const upstream of wanted) this.setDesired(upstream, snapshot.reason);
    this.lastResyncAt = this.clock.now();
    return this.request('all', [snapshot.reason]);
  }

  /** Replaces the desired targets of the upstreams `delta` names and reconciles them; the others are kept. */
  update(delta: DesiredTargets): Promise<ReconcileReport> {
    this.assertOpen();
    const wanted = normalizeDesired(delta);
    for (const upstream of wanted) this.setDesired(upstream, delta.reason);
    return this.request(
      wanted.map((u) => u.name),
      [delta.reason],
    );
  }

  /**
   * Reconciles every upstream against the fold without new input: restores owned targets edited or deleted by
   * hand, and creates targets whose address a hand-made target no longer shadows.
   */
  reconcileAll(reason = 'periodic reconciliation'): Promise<ReconcileReport> {
    this.assertOpen();
    return this.request('all', [reason]);
  }

  /** Resolves once no reconciliation runs or waits to run (scheduled follow-ups and retries aside). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  status(): ReconcilerStatus {
    const now = this.clock.now();
    let desiredTargets = 0;
    for (const upstream of this.desired.values()) desiredTargets += upstream.targets.size;
    const phase = this.reconciling
      ? 'reconciling'
      : this.stalled
        ? 'stalled'
        : this.retryTimer !== undefined
          ? 'retrying'
          : 'idle';
    return {
      source: this.sourceId,
      ownerTag: this.ownerTag,
      phase,
      desiredUpstreams: this.desired.size,
      desiredTargets,
      eventsWritten: this.eventsWritten,
      lastVersion: this.lastVersion,
      lastSyncedAt: this.lastSyncedAt,
      lastResyncAt: this.lastResyncAt,
      consecutiveFailures: this.retry.consecutiveFailures,
      lastError: this.lastError,
      held: this.guard.held(now),
      deferred: this.lastDeferred,
      nextWakeAt: this.wakes.next() ?? null,
    };
  }

  /** Stops follow-ups and retries and waits for a running reconciliation; later input is refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakes.cancelAll();
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    await this.idle();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(new ReconcilerClosedError('the reconciler was closed'));
  }

  private assertOpen(): void {
    if (this.closed) throw new ReconcilerClosedError(`the reconciler of ${this.sourceId} is closed`);
  }

  private setDesired(upstream: WantedUpstream, reason: string): void {
    this.desired.set(upstream.name, upstream);
    this.desiredReason.set(upstream.name, reason);
  }

  private request(scope: Scope | string[], reasons: string[]): Promise<ReconcileReport> {
    return new Promise<ReconcileReport>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.enqueue(scope, reasons);
    });
  }

  private enqueue(scope: Scope | string[], reasons: string[]): void {
    if (this.closed) return;
    if (this.stalled) {
      // Retries ran out earlier: new input carries the failed work along.
      this.stalled = false;
      this.pending.absorb(this.failedWork);
    }
    this.pending.add(scope, reasons);
    this.kick();
  }

  private kick(): void {
    if (this.running !== undefined || this.closed || this.pending.empty) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (!this.closed && !this.pending.empty) {
      const { scope, reasons } = this.pending.take();
      const waiters = this.waiters;
      this.waiters = [];
      let report: ReconcileReport;
      this.reconciling = true;
      try {
        report = await this.reconcile(scope, reasons);
      } catch (error) {
        // A bug, not an outage; the desired state is kept and retried like a failed append.
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: error }, 'reconciliation failed');
        report = this.failed(scope, reasons, message, { tally: emptyTally(), events: 0, version: undefined }, []);
      } finally {
        this.reconciling = false;
      }
      for (const waiter of waiters) waiter.resolve(report);
    }
  }

  /** One reconciliation: settle an unconfirmed event, diff the scope, append what differs. */
  private async reconcile(scope: Scope, reasons: string[]): Promise<ReconcileReport> {
    const progress: Progress = { tally: emptyTally(), events: 0, version: undefined };
    if (this.inDoubt !== undefined) {
      const { event, parts } = this.inDoubt;
      const sent = await sendEvent(this.writer, event, this.writeDeadlineMs);
      if (sent.status === 'unconfirmed') return this.failed(scope, reasons, sent.message, progress, []);
      this.inDoubt = undefined;
      // Rejected means the fold moved on since; the diff below starts from what it holds now.
      if (sent.status === 'applied') this.confirmed(parts, sent.version, progress);
    }

    const now = this.clock.now();
    const state = this.fold.state;
    const names =
      scope === 'all' ? new Set([...this.desired.keys(), ...upstreamsWithOwnedTargets(state, this.ownerTag)]) : scope;
    const ctx: PlanContext = {
      state,
      tag: this.ownerTag,
      now,
      build: this.build,
      guard: this.guard,
      damper: this.damper,
    };
    const plans = [...names].sort().map((name) => planUpstream(ctx, name, this.desired.get(name)));
    this.scheduleFollowUps(plans);
    const invalid: InvalidDesired[] = plans.flatMap((p) => p.invalid);

    const queue: Part[] = plans
      .filter((p) => p.changes.length > 0)
      .map((p) => ({ upstream: p.upstream, changes: p.changes }));
    const error = await this.write(queue, reasons, progress, invalid);
    if (error !== undefined) return this.failed(scope, reasons, error, progress, plans, invalid);

    this.forgetSettled(plans);
    this.retry.succeeded();
    if (this.retryTimer !== undefined) {
      // The log is back: what failed earlier goes next instead of waiting out the delay.
      this.retryTimer.cancel();
      this.retryTimer = undefined;
      this.pending.absorb(this.failedWork);
    }
    this.lastError = null;
    this.lastSyncedAt = now;
    const report = this.report(progress.events > 0 ? 'written' : 'unchanged', progress, plans, invalid);
    this.logReport(report);
    return report;
  }

  /**
   * Appends the parts as one event, or as several when the log refuses the record as too large (the limit then
   * halves). Each event is dry-run against the fold as it is then. Returns why it stopped, if it did.
   */
  private async write(
    parts: Part[],
    reasons: string[],
    progress: Progress,
    invalid: InvalidDesired[],
  ): Promise<string | undefined> {
    let queue = parts;
    while (queue.length > 0) {
      const { take, rest } = takeWithinLimit(queue, this.changeLimit);
      const { accepted, refused } = dryRun(this.fold.state, take);
      invalid.push(...refused);
      const changes = accepted.flatMap((p) => p.changes);
      if (changes.length === 0) {
        queue = rest;
        continue;
      }
      const event = discoveryEvent(changes, {
        tag: this.ownerTag,
        region: this.region,
        reason: joinReasons(reasons),
        timestamp: this.clock.now(),
        id: this.build.uuid?.() ?? randomUUID(),
      });
      const sent = await sendEvent(this.writer, event, this.writeDeadlineMs);
      switch (sent.status) {
        case 'applied':
          this.confirmed(accepted, sent.version, progress);
          queue = rest;
          break;
        case 'too-large':
          if (changes.length > 1) {
            this.changeLimit = Math.max(1, Math.floor(changes.length / 2));
            this.logger.warn({ changes: changes.length, limit: this.changeLimit }, 'event too large; splitting');
          } else {
            const message = `one change exceeds the log's record size: ${sent.message}`;
            invalid.push({ upstream: accepted[0].upstream, message });
            queue = rest;
          }
          break;
        case 'unconfirmed':
          this.inDoubt = { event, parts: accepted };
          return sent.message;
        case 'rejected':
          return `the fold rejected version ${sent.version}: ${sent.message}`;
      }
    }
    return undefined;
  }

  private confirmed(parts: Part[], version: number, progress: Progress): void {
    this.damper.record(touchedTargets(parts), this.clock.now());
    for (const part of parts) addToTally(progress.tally, part.changes);
    progress.events++;
    progress.version = version;
    this.eventsWritten++;
    this.lastVersion = version;
  }

  /** Upstreams emptied and cleared need no desired entry nor grace record any more (bounded memory). */
  private forgetSettled(plans: readonly UpstreamPlan[]): void {
    for (const plan of plans) {
      const wanted = this.desired.get(plan.upstream);
      if (wanted !== undefined && wanted.targets.size > 0) continue;
      if (plan.held || plan.deferred > 0 || plan.invalid.length > 0) continue;
      this.guard.forget(plan.upstream);
      this.desired.delete(plan.upstream);
      this.desiredReason.delete(plan.upstream);
    }
  }

  private scheduleFollowUps(plans: readonly UpstreamPlan[]): void {
    for (const plan of plans) {
      if (plan.wakeAt === undefined) continue;
      const why = plan.held
        ? `empty-payload grace period of ${this.graceMs} ms ended for upstream '${plan.upstream}'`
        : `flap-damping interval of ${this.intervalMs} ms ended for upstream '${plan.upstream}'`;
      const from = this.desiredReason.get(plan.upstream);
      this.wakes.wakeAt(plan.upstream, plan.wakeAt, from === undefined ? why : `${why} (desired state: ${from})`);
    }
  }

  private failed(
    scope: Scope,
    reasons: string[],
    message: string,
    progress: Progress,
    plans: readonly UpstreamPlan[],
    invalid: InvalidDesired[] = [],
  ): ReconcileReport {
    this.lastError = message;
    this.failedWork.add(scope, reasons);
    const delay = this.retry.failed();
    if (delay === undefined) {
      this.stalled = true;
      this.logger.error(
        { error: message, attempts: this.retry.consecutiveFailures },
        'reconciliation stalled; retries ran out',
      );
    } else if (this.retryTimer === undefined && !this.closed) {
      this.logger.warn({ error: message, retryInMs: delay }, 'reconciliation failed; will retry');
      this.retryTimer = this.timers.after(delay, () => {
        this.retryTimer = undefined;
        this.pending.absorb(this.failedWork);
        this.kick();
      });
    }
    return { ...this.report('failed', progress, plans, invalid), error: message };
  }

  private report(
    outcome: ReconcileReport['outcome'],
    progress: Progress,
    plans: readonly UpstreamPlan[],
    invalid: InvalidDesired[],
  ): ReconcileReport {
    this.lastDeferred = plans.reduce((n, p) => n + p.deferred, 0);
    return {
      outcome,
      events: progress.events,
      ...(progress.version === undefined ? {} : { version: progress.version }),
      ...progress.tally,
      held: plans.filter((p) => p.held).map((p) => p.upstream),
      deferred: this.lastDeferred,
      shadowed: plans.flatMap((p) => p.shadowed.map((target) => ({ upstream: p.upstream, target }))),
      missingUpstreams: plans.filter((p) => p.missing).map((p) => p.upstream),
      invalid,
    };
  }

  private logReport(report: ReconcileReport): void {
    if (report.events > 0) {
      const { version, upstreamsCreated, targetsCreated, targetsUpdated, targetsDeleted } = report;
      this.logger.info(
        { version, upstreamsCreated, targetsCreated, targetsUpdated, targetsDeleted },
        'targets reconciled',
      );
    }
    if (report.held.length > 0) this.logger.warn({ upstreams: report.held }, 'zero instances reported; removal held');
    if (report.invalid.length > 0)
      this.logger.warn({ invalid: report.invalid }, 'desired targets refused by validation');
    if (report.missingUpstreams.length > 0) {
      this.logger.warn({ upstreams: report.missingUpstreams }, 'upstreams missing and not auto-created');
    }
  }
}
