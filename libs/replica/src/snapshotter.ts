import { childLogger, type Logger } from '@gantry/logging';
import type { SnapshotStore } from '@gantry/store';
import type { ConfigReplica } from './config-replica';
import { errorMessage } from './errors';

export interface SnapshotterOptions {
  /** Save after this many folded versions, default 1000. */
  readonly events?: number;
  /** Save when this long has passed and something was folded since the last save, default 60000 ms. */
  readonly ms?: number;
  readonly logger?: Logger;
}

/**
 * Saves the replica's snapshot every N folded versions or T ms, and once more on close, so the next boot replays
 * little. Used in embedded mode; in cluster mode the persister writes the snapshots. A failed save is logged and
 * retried at the next trigger: snapshots only shorten boots, they never hold anything the log does not.
 */
export class Snapshotter {
  private readonly events: number;
  private readonly ms: number;
  private readonly logger: Logger;
  private lastSavedVersion: number;
  private lastSavedAt = Date.now();
  private saving: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastErrorMessage: string | null = null;

  constructor(
    private readonly replica: ConfigReplica,
    private readonly store: SnapshotStore,
    options: SnapshotterOptions = {},
  ) {
    this.events = options.events ?? 1_000;
    this.ms = options.ms ?? 60_000;
    this.logger = options.logger ?? childLogger('snapshotter');
    this.lastSavedVersion = replica.status().bootedFromSnapshot;
  }

  get lastError(): string | null {
    return this.lastErrorMessage;
  }

  /** Version of the last snapshot this snapshotter saved (or the replica booted from). */
  savedVersion(): number {
    return this.lastSavedVersion;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.lastSavedVersion = Math.max(this.lastSavedVersion, this.replica.status().bootedFromSnapshot);
    this.unsubscribe = this.replica.onApplied((outcome) => {
      if (outcome.version - this.lastSavedVersion >= this.events) void this.save();
    });
    this.timer = setInterval(
      () => {
        if (Date.now() - this.lastSavedAt >= this.ms) void this.save();
      },
      Math.max(10, Math.min(this.ms, 1_000)),
    );
    this.timer.unref();
  }

  /** Saves now if anything was folded since the last save; concurrent calls share one save. */
  save(): Promise<void> {
    this.saving ??= this.saveNow().finally(() => (this.saving = undefined));
    return this.saving;
  }

  /** Stops the triggers and saves a last snapshot. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearInterval(this.timer);
    await this.saving;
    await this.save();
  }

  private async saveNow(): Promise<void> {
    if (this.replica.version() <= this.lastSavedVersion) return;
    // snapshot() serialises synchronously, between two records, so it never holds half a changeset.
    const snapshot = this.replica.snapshot();
    try {
      await this.store.save(snapshot);
      this.lastSavedVersion = snapshot.version;
      this.lastSavedAt = Date.now();
      this.lastErrorMessage = null;
      this.logger.debug({ version: snapshot.version, bytes: snapshot.payload.length }, 'snapshot saved');
    } catch (error) {
      this.lastErrorMessage = errorMessage(error);
      this.lastSavedAt = Date.now(); // wait a full period before trying again
      this.logger.warn({ err: this.lastErrorMessage, version: snapshot.version }, 'saving a snapshot failed');
    }
  }
}
