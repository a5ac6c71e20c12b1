import { Reconciler, type DiscoverySource, type ReconcilerStatus } from '@gantry/discovery';
import type { Logger } from '@gantry/logging';
import type { ConfigPlane } from '@gantry/runtime';
import { LeaderElector, type LeaseStore } from '@gantry/store';
import type { DiscoveryConfig } from '../config/discovery-config';

/** A source with whatever state it exposes for `/discovery/status` and `/metrics`. */
export interface RunnableSource extends DiscoverySource {
  status?(): object;
}

export interface SourceState {
  readonly id: string;
  readonly running: boolean;
  readonly watcher: object | null;
  readonly reconciler: ReconcilerStatus | null;
}

export interface DiscoveryState {
  readonly node: string;
  readonly leader: boolean;
  readonly sources: readonly SourceState[];
}

/** The lease every discovery process of a cluster competes for: one writes, the others stand by. */
export const DISCOVERY_LEASE = 'discovery';

/**
 * Runs the configured sources while this process holds the discovery lease. Sources start only once the
 * process's replica has caught up with the log (a reconciler diffs against the fold), and stop as soon as the
 * lease is lost, so two processes never reconcile at once; a standby takes over within the lease's TTL.
 */
export class DiscoveryRunner {
  private readonly elector: LeaderElector;
  private readonly reconcilers = new Map<string, Reconciler>();
  private readonly running = new Set<string>();
  private transition: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly plane: ConfigPlane,
    private readonly sources: readonly RunnableSource[],
    private readonly config: DiscoveryConfig,
    leases: LeaseStore,
    private readonly node: string,
    private readonly region: string,
    private readonly logger: Logger,
  ) {
    this.elector = new LeaderElector({
      store: leases,
      name: DISCOVERY_LEASE,
      holder: node,
      ttlMs: config.lease.ttlMs,
      logger,
      onElected: () => void this.enqueue(() => this.startSources()),
      onDeposed: () => void this.enqueue(() => this.stopSources()),
    });
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Boots the config plane (shared with the other apps in standalone mode), then competes for the lease. */
  async start(): Promise<void> {
    if (this.sources.length === 0) {
      this.logger.info('no discovery sources configured');
      return;
    }
    await this.plane.start();
    if (this.closed) return;
    this.elector.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.elector.stop();
    await this.enqueue(() => this.stopSources());
  }

  state(): DiscoveryState {
    return {
      node: this.node,
      leader: this.elector.isLeader,
      sources: this.sources.map((source) => ({
        id: source.id,
        running: this.running.has(source.id),
        watcher: source.status?.() ?? null,
        reconciler: this.reconcilers.get(source.id)?.status() ?? null,
      })),
    };
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step).catch((error: unknown) => {
      this.logger.error({ err: error }, 'discovery could not change state');
    });
    return this.transition;
  }

  private async startSources(): Promise<void> {
    if (!this.elector.isLeader || this.closed) return;
    for (const source of this.sources) {
      const reconciler = new Reconciler({
        source: source.id,
        fold: this.plane.replica,
        writer: this.plane.writer,
        region: this.region,
        ...this.config.reconciler,
        logger: this.logger.child({ source: source.id }),
      });
      this.reconcilers.set(source.id, reconciler);
      try {
        await source.start(reconciler);
        this.running.add(source.id);
        this.logger.info({ source: source.id }, 'discovery source started');
      } catch (error) {
        this.logger.error({ err: error, source: source.id }, 'discovery source did not start');
      }
    }
  }

  private async stopSources(): Promise<void> {
    for (const source of this.sources) {
      if (this.running.delete(source.id)) {
        await source.stop().catch((error: unknown) => {
          this.logger.warn({ err: error, source: source.id }, 'discovery source did not stop cleanly');
        });
      }
      await this.reconcilers.get(source.id)?.close();
      this.reconcilers.delete(source.id);
    }
  }
}
