import type { DesiredUpstream } from '../desired';
import type { ReconcileReport } from '../report';
import type { DiscoverySink, DiscoverySource } from '../source';
import { ConsulSourceStateError, ConsulWatchError } from './errors';
import { ConsulHttp } from './http';
import type { ConsulSourceOptions } from './options';
import { Backoff, pause } from './pacing';
import { resolveConsulOptions, type ResolvedConsulOptions } from './resolve-options';
import type { ConsulSourceStatus } from './status';
import { WatchSession } from './watch-session';

interface Running {
  readonly sink: DiscoverySink;
  readonly http: ConsulHttp;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'GANTRY_CONSUL_INTERNAL';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Watches one Consul datacenter and feeds a discovery sink (the source's `Reconciler`): a full resync when it
 * starts and after every watch error, then the complete target lists of the upstreams each change touched.
 * Blocking queries on `/v1/catalog/services` learn the services; one per mapped service on
 * `/v1/health/service/<name>` learns the instances and their checks. See README.md, "Consul".
 */
export class ConsulSource implements DiscoverySource {
  readonly id: string;
  private readonly options: ResolvedConsulOptions;
  private readonly backoff: Backoff;
  private running: Running | undefined;
  private session: WatchSession | undefined;

  private phase: ConsulSourceStatus['phase'] = 'stopped';
  private synced = false;
  private lastSyncAt: number | null = null;
  private lastResyncAt: number | null = null;
  private resyncs = 0;
  private updates = 0;
  private readonly indexes = new Map<string, number>();
  private lastError: ConsulSourceStatus['lastError'] = null;
  private lastSinkError: ConsulSourceStatus['lastSinkError'] = null;

  /** Validates the options (reads the TLS and token files); throws `InvalidConsulOptionsError`. */
  constructor(options: ConsulSourceOptions) {
    this.options = resolveConsulOptions(options);
    this.id = this.options.id;
    this.backoff = new Backoff(this.options.retry, this.options.random);
  }

  /**
   * Starts watching. Resolves once the first full resync was handed to the sink, or the first attempt failed
   * (then it keeps retrying in the background; `status()` tells). Throws `ConsulSourceStateError` when running.
   */
  async start(sink: DiscoverySink): Promise<void> {
    if (this.running !== undefined) throw new ConsulSourceStateError(`consul source ${this.id} is already running`);
    const { connection, datacenter, consistency, requestTimeoutMs } = this.options;
    const http = new ConsulHttp(connection, datacenter, consistency, requestTimeoutMs);
    const stop = new AbortController();
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => (firstAttempt = resolve));
    const done = this.run(sink, http, stop.signal, firstAttempt);
    this.running = { sink, http, stop, done };
    await attempted;
  }

  /** Aborts every in-flight query and waits for the watch loops to end; the sink gets nothing more. */
  async stop(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    running.stop.abort();
    await running.done;
    await running.http.close();
    this.running = undefined;
  }

  status(): ConsulSourceStatus {
    const table = this.session?.table;
    return {
      source: this.id,
      datacenter: this.options.datacenter,
      address: this.options.connection.baseUrl,
      phase: this.phase,
      synced: this.synced,
      lastSyncAt: this.lastSyncAt,
      lastResyncAt: this.lastResyncAt,
      resyncs: this.resyncs,
      updates: this.updates,
      indexes: Object.fromEntries([...this.indexes].sort(([a], [b]) => (a < b ? -1 : 1))),
      lastError: this.lastError,
      consecutiveErrors: this.backoff.consecutiveFailures,
      lastSinkError: this.lastSinkError,
      services: this.session?.services ?? 0,
      instances: table?.targetCount ?? 0,
      upstreams: table?.upstreamCount ?? 0,
      unroutable: table?.unroutableCount ?? 0,
    };
  }

  private async run(sink: DiscoverySink, http: ConsulHttp, stop: AbortSignal, firstAttempt: () => void): Promise<void> {
    const { clock, logger, retry } = this.options;
    let why = 'start';
    while (!stop.aborted) {
      this.phase = 'listing';
      this.indexes.clear();
      let resyncedAt: number | undefined;
      const session = new WatchSession(
        this.options,
        http,
        {
          resync: (upstreams, reason) => {
            resyncedAt = clock.now();
            this.handResync(sink, upstreams, reason);
            firstAttempt();
          },
          update: (upstreams, reason) => this.handUpdate(sink, upstreams, reason),
          index: (endpoint, index) => {
            if (index === undefined) this.indexes.delete(endpoint);
            else this.indexes.set(endpoint, index);
          },
          invalidIndex: (error) => {
            this.recordError(error);
            logger.warn({ code: error.code, error: error.message }, 'consul answered an unusable index; backing off');
          },
        },
        why,
      );
      this.session = session;
      try {
        await session.run(stop);
      } catch (error) {
        if (stop.aborted) break;
        this.synced = false;
        this.recordError(error);
        // A session that watched for a while was a success: the next failure starts the backoff over.
        if (resyncedAt !== undefined && clock.now() - resyncedAt >= retry.maxDelayMs) this.backoff.reset();
        const delay = this.backoff.next();
        logger.warn(
          { code: errorCode(error), error: errorMessage(error), retryInMs: delay },
          'consul watch failed; full resync after the backoff',
        );
        firstAttempt();
        this.phase = 'backoff';
        why = `after ${errorCode(error)}: ${errorMessage(error)}`;
        if (!(await pause(delay, stop))) break;
      }
    }
    this.phase = 'stopped';
    this.synced = false;
    firstAttempt();
  }

  private recordError(error: unknown): void {
    this.lastError = { code: errorCode(error), message: errorMessage(error), at: this.options.clock.now() };
    if (!(error instanceof ConsulWatchError)) this.options.logger.error({ err: error }, 'consul watcher bug');
  }

  private handResync(sink: DiscoverySink, upstreams: DesiredUpstream[], reason: string): void {
    this.phase = 'watching';
    this.synced = true;
    this.resyncs++;
    this.lastResyncAt = this.options.clock.now();
    this.hand(() => sink.resync({ upstreams, reason }));
    this.options.logger.info({ upstreams: upstreams.length, reason }, 'consul resync');
  }

  private handUpdate(sink: DiscoverySink, upstreams: DesiredUpstream[], reason: string): void {
    this.updates++;
    this.hand(() => sink.update({ upstreams, reason }));
  }

  /**
   * Hands desired state to the sink without waiting for the reconciliation: the reconciler takes the input at
   * once and merges what arrives meanwhile, and the next blocking query should not wait for the config log.
   */
  private hand(call: () => Promise<ReconcileReport>): void {
    this.lastSyncAt = this.options.clock.now();
    const failed = (message: string) => {
      this.lastSinkError = { message, at: this.options.clock.now() };
      this.options.logger.warn({ error: message }, 'the discovery sink did not take the consul state');
    };
    try {
      call().then(
        (report) => {
          if (report.outcome === 'failed') failed(report.error ?? 'reconciliation failed');
        },
        (error: unknown) => failed(errorMessage(error)),
      );
    } catch (error) {
      failed(errorMessage(error));
    }
  }
}
