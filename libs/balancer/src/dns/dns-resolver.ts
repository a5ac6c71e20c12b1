import { isIP } from 'node:net';
import { systemClock, type Clock, type TimerHandle } from '../clock';
import { BalancerError } from '../errors';
import type { BalancerLogger } from '../types';
import { systemResolve, type ResolveFunction } from './system-resolve';

/** What a name resolves to right now. */
export type DnsAnswer =
  /** `stale`: refreshes are failing and these are the last good addresses, still inside the stale window. */
  | { readonly ok: true; readonly addresses: readonly string[]; readonly stale: boolean }
  | { readonly ok: false; readonly error: string };

export type DnsListener = (answer: DnsAnswer) => void;

export interface DnsResolverOptions {
  /** Defaults to {@link systemResolve}; tests inject their own. */
  resolve?: ResolveFunction;
  clock?: Clock;
  logger?: BalancerLogger;
  /** Record TTLs are clamped into [min, max] seconds (defaults 1 and 3600). */
  minTtlSeconds?: number;
  maxTtlSeconds?: number;
  /** A failed lookup is retried after this many seconds, doubling per failure up to the max (defaults 1 and 30). */
  errorTtlSeconds?: number;
  maxErrorTtlSeconds?: number;
  /** How long after expiry the last good answer is still served while refreshes fail (default 3600, Kong's). */
  staleTtlSeconds?: number;
  /** Names kept for one-off `resolve` callers; watched names are never evicted (default 10000). */
  maxEntries?: number;
}

interface Entry {
  readonly host: string;
  answer: DnsAnswer | undefined;
  /** When the answer should be refreshed. */
  expiresAt: number;
  /** Until when the last good addresses may be served stale. */
  staleUntil: number;
  failures: number;
  inflight: Promise<DnsAnswer> | undefined;
  readonly watchers: Set<DnsListener>;
  timer: TimerHandle | undefined;
}

function sameAnswer(a: DnsAnswer | undefined, b: DnsAnswer): boolean {
  if (a === undefined || a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.error === b.error;
  return (
    a.stale === b.stale &&
    a.addresses.length === b.addresses.length &&
    a.addresses.every((x, i) => x === b.addresses[i])
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return String(error);
}

/**
 * A caching resolver for target hostnames. Answers are cached for their record TTL (clamped); watched names are
 * refreshed in the background before anyone has to wait, a failing refresh keeps serving the last good addresses
 * for a while (stale-while-refresh), and errors are cached briefly with a backoff. IP literals bypass it.
 */
export class DnsResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly resolveFn: ResolveFunction;
  private readonly clock: Clock;
  private readonly logger: BalancerLogger | undefined;
  private readonly minTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly errorTtlMs: number;
  private readonly maxErrorTtlMs: number;
  private readonly staleTtlMs: number;
  private readonly maxEntries: number;
  private closed = false;

  constructor(options: DnsResolverOptions = {}) {
    this.resolveFn = options.resolve ?? systemResolve;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    const seconds = (name: keyof DnsResolverOptions, value: number | undefined, fallback: number): number => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new BalancerError('GANTRY_BALANCER_INVALID_OPTIONS', `${name}: expected a number of seconds >= 0`);
      }
      return v * 1000;
    };
    this.minTtlMs = seconds('minTtlSeconds', options.minTtlSeconds, 1);
    this.maxTtlMs = seconds('maxTtlSeconds', options.maxTtlSeconds, 3600);
    this.errorTtlMs = seconds('errorTtlSeconds', options.errorTtlSeconds, 1);
    this.maxErrorTtlMs = seconds('maxErrorTtlSeconds', options.maxErrorTtlSeconds, 30);
    this.staleTtlMs = seconds('staleTtlSeconds', options.staleTtlSeconds, 3600);
    if (this.minTtlMs > this.maxTtlMs || this.errorTtlMs > this.maxErrorTtlMs) {
      throw new BalancerError('GANTRY_BALANCER_INVALID_OPTIONS', 'a minimum TTL is above its maximum');
    }
    this.maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new BalancerError('GANTRY_BALANCER_INVALID_OPTIONS', 'maxEntries: expected a positive integer');
    }
  }

  /**
   * The addresses of `host`. A fresh cached answer returns at once; an expired good one is returned too while a
   * refresh runs in the background; only a name never resolved (or last failed) waits for the lookup.
   */
  async resolve(host: string): Promise<DnsAnswer> {
    if (isIP(host) !== 0) return { ok: true, addresses: [host], stale: false };
    const entry = this.entry(host);
    const answer = entry.answer;
    if (answer !== undefined && this.clock.now() < entry.expiresAt) return answer;
    const refresh = this.refresh(entry);
    if (answer !== undefined && answer.ok) return answer;
    return refresh;
  }

  /** The cached answer for `host`, without any lookup. */
  cached(host: string): DnsAnswer | undefined {
    if (isIP(host) !== 0) return { ok: true, addresses: [host], stale: false };
    return this.entries.get(host)?.answer;
  }

  /**
   * Calls `listener` with the current answer (synchronously when one is cached) and again whenever it changes,
   * refreshing the name on its TTL for as long as anyone watches it. Returns the unsubscribe function.
   */
  watch(host: string, listener: DnsListener): () => void {
    if (this.closed) throw new BalancerError('GANTRY_BALANCER_CLOSED', 'the DNS resolver is closed');
    if (isIP(host) !== 0) {
      listener({ ok: true, addresses: [host], stale: false });
      return () => undefined;
    }
    const entry = this.entry(host);
    entry.watchers.add(listener);
    if (entry.answer !== undefined) {
      listener(entry.answer);
      if (this.clock.now() >= entry.expiresAt) void this.refresh(entry);
      else this.schedule(entry);
    } else {
      void this.refresh(entry);
    }
    return () => {
      entry.watchers.delete(listener);
      if (entry.watchers.size === 0 && entry.timer !== undefined) {
        this.clock.clearTimeout(entry.timer);
        entry.timer = undefined;
      }
    };
  }

  /** Stops every background refresh; later lookups still work but are no longer refreshed. */
  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) {
      if (entry.timer !== undefined) this.clock.clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.watchers.clear();
    }
  }

  private entry(host: string): Entry {
    let entry = this.entries.get(host);
    if (entry === undefined) {
      this.evict();
      entry = {
        host,
        answer: undefined,
        expiresAt: 0,
        staleUntil: 0,
        failures: 0,
        inflight: undefined,
        watchers: new Set(),
        timer: undefined,
      };
      this.entries.set(host, entry);
    }
    return entry;
  }

  private evict(): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [host, entry] of this.entries) {
      if (entry.watchers.size > 0) continue;
      this.entries.delete(host);
      if (this.entries.size < this.maxEntries) return;
    }
  }

  private refresh(entry: Entry): Promise<DnsAnswer> {
    if (entry.inflight !== undefined) return entry.inflight;
    const inflight = this.lookup(entry).then(({ answer, changed }) => {
      entry.inflight = undefined;
      if (!this.closed) {
        this.schedule(entry);
        if (changed) this.notify(entry, answer);
      }
      return answer;
    });
    entry.inflight = inflight;
    return inflight;
  }

  private async lookup(entry: Entry): Promise<{ answer: DnsAnswer; changed: boolean }> {
    let answer: DnsAnswer;
    try {
      const records = await this.resolveFn(entry.host);
      if (records.length === 0) throw new Error(`${entry.host} has no addresses`);
      answer = this.succeeded(entry, records);
    } catch (error) {
      answer = this.failed(entry, errorText(error));
    }
    const changed = !sameAnswer(entry.answer, answer);
    entry.answer = answer;
    return { answer, changed };
  }

  private succeeded(entry: Entry, records: readonly { address: string; ttl: number }[]): DnsAnswer {
    const now = this.clock.now();
    let ttlMs = Infinity;
    for (const r of records) ttlMs = Math.min(ttlMs, r.ttl * 1000);
    ttlMs = Math.min(Math.max(ttlMs, this.minTtlMs), this.maxTtlMs);
    entry.failures = 0;
    entry.expiresAt = now + ttlMs;
    entry.staleUntil = entry.expiresAt + this.staleTtlMs;
    const addresses = [...new Set(records.map((r) => r.address))].sort();
    return { ok: true, addresses, stale: false };
  }

  private failed(entry: Entry, error: string): DnsAnswer {
    const now = this.clock.now();
    entry.failures += 1;
    const backoff = Math.min(this.errorTtlMs * 2 ** Math.min(entry.failures - 1, 30), this.maxErrorTtlMs);
    entry.expiresAt = now + backoff;
    const previous = entry.answer;
    if (previous !== undefined && previous.ok && now < entry.staleUntil) {
      this.logger?.warn({ host: entry.host, error }, 'DNS refresh failed; serving the last good addresses');
      return { ok: true, addresses: previous.addresses, stale: true };
    }
    this.logger?.warn({ host: entry.host, error }, 'DNS resolution failed');
    return { ok: false, error };
  }

  private schedule(entry: Entry): void {
    if (entry.watchers.size === 0 || entry.timer !== undefined || entry.inflight !== undefined) return;
    const delay = Math.max(entry.expiresAt - this.clock.now(), 0);
    entry.timer = this.clock.setTimeout(() => {
      entry.timer = undefined;
      if (entry.watchers.size > 0 && !this.closed) void this.refresh(entry);
    }, delay);
  }

  private notify(entry: Entry, answer: DnsAnswer): void {
    for (const listener of [...entry.watchers]) {
      try {
        listener(answer);
      } catch (error) {
        this.logger?.warn({ host: entry.host, error: errorText(error) }, 'a DNS watcher threw');
      }
    }
  }
}
