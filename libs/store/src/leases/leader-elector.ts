import type { Logger } from '@gantry/logging';
import type { LeaseStore } from './lease-store';

export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  /** The lease's name (one per job, e.g. `discovery`). */
  readonly name: string;
  /** This process's identity. */
  readonly holder: string;
  /** How long a lease outlives its last renewal: the bound on a takeover after the leader dies. Default 10 s. */
  readonly ttlMs?: number;
  /** How often the leader renews and a standby tries; default a third of the TTL. */
  readonly intervalMs?: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Called when this process becomes the leader. */
  readonly onElected: () => void;
  /** Called when it stops being the leader (lost lease, store unreachable for too long, or stop). */
  readonly onDeposed: () => void;
}

/**
 * Keeps one process of a group the leader through a {@link LeaseStore}. A leader that cannot renew steps down
 * before its lease could have expired elsewhere (it counts from its last successful renewal, with a safety margin
 * of one interval), so two leaders never act at once as long as clocks advance at the same rate.
 */
export class LeaderElector {
  private readonly ttlMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private renewedAt = 0;
  private stopped = true;
  private running: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    this.intervalMs = options.intervalMs ?? Math.max(100, Math.floor(this.ttlMs / 3));
    if (this.intervalMs * 2 >= this.ttlMs) throw new Error('lease interval must be under half its TTL');
    this.now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops trying, steps down and releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.leading) {
      this.depose('stopping');
      await this.options.store.release(this.options.name, this.options.holder).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'could not release the lease; it will expire');
      });
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { store, name, holder, logger } = this.options;
    const attemptAt = this.now();
    try {
      const held = this.leading
        ? await store.renew(name, holder, this.ttlMs)
        : await store.tryAcquire(name, holder, this.ttlMs);
      if (this.stopped) return;
      if (held) {
        this.renewedAt = attemptAt;
        if (!this.leading) {
          this.leading = true;
          logger.info({ lease: name, holder }, 'elected leader');
          this.options.onElected();
        }
      } else if (this.leading) {
        this.depose('lease lost');
      }
    } catch (error) {
      logger.warn({ err: error, lease: name }, 'lease store unreachable');
      // Step down before the lease can have expired for the others: they may be electing a new leader.
      if (this.leading && this.now() - this.renewedAt >= this.ttlMs - this.intervalMs) this.depose('lease unconfirmed');
    }
  }

  private depose(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.options.logger.warn({ lease: this.options.name, reason }, 'no longer the leader');
    this.options.onDeposed();
  }
}
