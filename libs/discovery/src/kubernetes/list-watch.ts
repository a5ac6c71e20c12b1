import { RetryDelay } from '../retry-delay';
import type { Clock, TimerHandle, Timers } from '../timers';
import { isGone, KubeApiError } from './errors';
import type { KubeList, KubeMeta, ListQuery, WatchHandle, WatchHandlers, WatchQuery } from './kube-api';
import { readStatus, resourceVersionOf } from './kube-objects';

/** Why a stream (re-)listed. */
export type ListCause = 'initial' | 'gone' | 'error';

export type StreamPhase = 'listing' | 'watching' | 'backoff' | 'stopped';

/** One resource in one namespace (or all), listed then watched. */
export interface StreamSpec<T> {
  /** `services` or `endpointslices`, with `@<namespace>` when narrowed to one. */
  readonly id: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  list(query: ListQuery): Promise<KubeList<T>>;
  watch(query: WatchQuery, handlers: WatchHandlers<T>): WatchHandle;
}

/** What a stream reports; called synchronously, in order. */
export interface StreamListener<T> {
  /** A complete fresh list: what the stream holds replaces what it held. */
  listed(stream: string, items: readonly T[], resourceVersion: string, cause: ListCause): void;
  changed(stream: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T, resourceVersion: string): void;
  /** The stream lost its list or watch; it lists again after `retryInMs` (0 after 410 Gone). */
  failed(stream: string, error: Error, retryInMs: number): void;
}

export interface StreamTiming {
  readonly watchTimeoutSeconds: number;
  readonly requestTimeoutMs: number;
  readonly pageSize: number;
  readonly backoff: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly clock: Clock;
  readonly timers: Timers;
}

export interface StreamStatus {
  readonly stream: string;
  readonly phase: StreamPhase;
  /** The position the next watch resumes from: the last event's, bookmark's or list's resourceVersion. */
  readonly resourceVersion: string | null;
  /** A list has completed since the start (the stream's part of the snapshot is known). */
  readonly listed: boolean;
  readonly lists: number;
  readonly watches: number;
  readonly events: number;
  readonly bookmarks: number;
  /** Re-lists after 410 Gone. */
  readonly gone: number;
  readonly lastEventAt: number | null;
}

type WatchEnd = { readonly kind: 'closed'; readonly progress: boolean } | { readonly kind: 'failed'; error: Error };

/** A watch open longer than its server-side timeout plus this is taken as a dead connection. */
const IDLE_GRACE_MS = 30_000;
/** A watch the server ends this soon without an event waits out a backoff delay before it is resumed. */
const EARLY_CLOSE_MS = 1_000;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * List then watch, the Kubernetes way: list (in pages), then watch from the list's resourceVersion with
 * bookmarks, advancing the resourceVersion with every event and bookmark. A watch the server ends is resumed
 * from there; 410 Gone (the resourceVersion was compacted away) re-lists at once; any other error, and a watch
 * silent beyond its timeout, re-lists after an exponential backoff.
 */
export class ListWatch<T extends { readonly metadata?: KubeMeta }> {
  private phase: StreamPhase = 'listing';
  private resourceVersion: string | undefined;
  private listed = false;
  private lists = 0;
  private watches = 0;
  private events = 0;
  private bookmarks = 0;
  private gone = 0;
  private lastEventAt: number | null = null;
  private stopped = false;
  private readonly backoff: RetryDelay;
  private handle: WatchHandle | undefined;
  private wake: { timer: TimerHandle; resolve: () => void } | undefined;
  private endWatch: ((end: WatchEnd) => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly spec: StreamSpec<T>,
    private readonly listener: StreamListener<T>,
    private readonly timing: StreamTiming,
  ) {
    this.backoff = new RetryDelay({ ...timing.backoff });
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.phase = 'stopped';
    this.handle?.abort();
    this.handle = undefined;
    this.endWatch?.({ kind: 'closed', progress: true });
    if (this.wake !== undefined) {
      this.wake.timer.cancel();
      this.wake.resolve();
    }
    await this.running;
  }

  status(): StreamStatus {
    return {
      stream: this.spec.id,
      phase: this.phase,
      resourceVersion: this.resourceVersion ?? null,
      listed: this.listed,
      lists: this.lists,
      watches: this.watches,
      events: this.events,
      bookmarks: this.bookmarks,
      gone: this.gone,
      lastEventAt: this.lastEventAt,
    };
  }

  private async run(): Promise<void> {
    let cause: ListCause = 'initial';
    while (!this.stopped) {
      this.phase = 'listing';
      let list: { items: T[]; resourceVersion: string };
      try {
        list = await this.listAll();
      } catch (error) {
        cause = await this.failed(toError(error));
        continue;
      }
      if (this.stopped) return;
      this.lists++;
      this.listed = true;
      this.resourceVersion = list.resourceVersion;
      this.listener.listed(this.spec.id, list.items, list.resourceVersion, cause);
      cause = await this.watchUntilLost();
    }
  }

  /** Watches, resuming after normal ends, until the watch fails; returns why the stream must re-list. */
  private async watchUntilLost(): Promise<ListCause> {
    while (!this.stopped) {
      this.phase = 'watching';
      const openedAt = this.timing.clock.now();
      const end = await this.watchOnce(this.resourceVersion ?? '');
      if (this.stopped) break;
      if (end.kind === 'failed') return this.failed(end.error);
      if (!end.progress && this.timing.clock.now() - openedAt < EARLY_CLOSE_MS) {
        // A server ending watches at once would otherwise be asked again in a tight loop.
        this.phase = 'backoff';
        await this.sleep(this.backoff.failed() ?? 0);
      }
    }
    return 'error';
  }

  /** Records a lost list or watch and waits before the re-list; returns the cause of that re-list. */
  private async failed(error: Error): Promise<ListCause> {
    if (this.stopped) return 'error';
    const gone = isGone(error);
    const delay = gone ? 0 : (this.backoff.failed() ?? 0);
    if (gone) this.gone++;
    this.listener.failed(this.spec.id, error, delay);
    if (delay > 0) {
      this.phase = 'backoff';
      await this.sleep(delay);
    }
    return gone ? 'gone' : 'error';
  }

  private async listAll(): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.withTimeout(
        this.spec.list({
          namespace: this.spec.namespace,
          labelSelector: this.spec.labelSelector,
          limit: this.timing.pageSize,
          continue: token,
          timeoutMs: this.timing.requestTimeoutMs,
        }),
      );
      if (this.stopped) return { items, resourceVersion };
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
      token = page.continue || undefined;
    } while (token !== undefined);
    if (resourceVersion === '') throw new Error(`the ${this.spec.id} list carries no resourceVersion`);
    return { items, resourceVersion };
  }

  private watchOnce(from: string): Promise<WatchEnd> {
    const { watchTimeoutSeconds, timers } = this.timing;
    return new Promise<WatchEnd>((resolve) => {
      let progress = false;
      let ended = false;
      const idle = timers.after(watchTimeoutSeconds * 1000 + IDLE_GRACE_MS, () => {
        this.handle?.abort();
        end({ kind: 'failed', error: new Error(`the ${this.spec.id} watch stayed silent past its timeout`) });
      });
      const end = (result: WatchEnd) => {
        if (ended) return;
        ended = true;
        idle.cancel();
        this.handle = undefined;
        this.endWatch = undefined;
        resolve(result);
      };
      this.endWatch = end;
      this.watches++;
      const handlers: WatchHandlers<T> = {
        event: (event) => {
          if (ended) return;
          if (event.type === 'ERROR') {
            this.handle?.abort();
            const status = readStatus(event.object);
            const message = status?.message ?? 'watch error without a status';
            end({ kind: 'failed', error: new KubeApiError(message, status?.code ?? 500, status?.reason) });
            return;
          }
          const rv = resourceVersionOf(event.object);
          if (rv !== undefined) this.resourceVersion = rv;
          if (!progress) {
            progress = true;
            this.backoff.succeeded();
          }
          this.lastEventAt = this.timing.clock.now();
          if (event.type === 'BOOKMARK') {
            this.bookmarks++;
            return;
          }
          if (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED') return;
          this.events++;
          this.listener.changed(this.spec.id, event.type, event.object, this.resourceVersion ?? from);
        },
        done: (error) => end(error === undefined ? { kind: 'closed', progress } : { kind: 'failed', error }),
      };
      try {
        const handle = this.spec.watch(
          {
            namespace: this.spec.namespace,
            labelSelector: this.spec.labelSelector,
            resourceVersion: from,
            timeoutSeconds: watchTimeoutSeconds,
          },
          handlers,
        );
        if (ended) handle.abort();
        else this.handle = handle;
      } catch (error) {
        end({ kind: 'failed', error: toError(error) });
      }
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = this.timing.timers.after(ms, () => {
        this.wake = undefined;
        resolve();
      });
      this.wake = { timer, resolve };
    });
  }

  private withTimeout<R>(promise: Promise<R>): Promise<R> {
    const ms = this.timing.requestTimeoutMs;
    return new Promise<R>((resolve, reject) => {
      const timer = this.timing.timers.after(ms, () =>
        reject(new Error(`listing ${this.spec.id} timed out after ${ms} ms`)),
      );
      promise.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timer.cancel();
          reject(toError(error));
        },
      );
    });
  }
}
