import type { OutgoingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';

/** A stored response (Kong's cache entity, minus the format version). */
export interface CachedResponse {
  readonly status: number;
  /** Lower-case names; hop-by-hop and diagnostic headers already dropped. */
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  /** When it was stored, whole seconds (`ngx.time()`). */
  readonly timestamp: number;
  /** The resource's own TTL in seconds (Cache-Control's, or `cache_ttl`). */
  readonly ttl: number;
}

/** Default bound of one plugin instance's memory store. */
export const DEFAULT_MEMORY_STORE_BYTES = 32 * 1024 * 1024;

// Per-entry bookkeeping (key, object, map slot), so that empty bodies still count.
const ENTRY_OVERHEAD = 256;

function sizeOf(entry: CachedResponse, key: string): number {
  let size = ENTRY_OVERHEAD + key.length + entry.body.length;
  for (const [name, value] of Object.entries(entry.headers)) {
    size += name.length + (Array.isArray(value) ? value.join('').length : String(value).length);
  }
  return size;
}

/**
 * The `memory` strategy: Kong keeps entries in a node-local shared dictionary, Gantry in a least-recently-used
 * map bounded in bytes. Entries expire after their storage TTL; when the bound is reached the least recently
 * used ones go first (as an nginx shared dictionary evicts when full).
 */
export class MemoryStore {
  private readonly cache: LRUCache<string, CachedResponse>;

  /** `now` (ms) replaces the clock, for tests. */
  constructor(maxBytes: number = DEFAULT_MEMORY_STORE_BYTES, now?: () => number) {
    this.cache = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: sizeOf,
      ...(now === undefined ? {} : { perf: { now }, ttlResolution: 0 }),
    });
  }

  get(key: string): CachedResponse | undefined {
    return this.cache.get(key);
  }

  /** `ttlSeconds` 0 keeps the entry until it is evicted (as a shared dictionary's exptime 0). */
  set(key: string, entry: CachedResponse, ttlSeconds: number): void {
    this.cache.set(key, entry, { ttl: Math.max(0, ttlSeconds) * 1000 });
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  clear(): void {
    this.cache.clear();
  }

  /** Bytes accounted for. */
  get size(): number {
    return this.cache.calculatedSize;
  }

  get count(): number {
    return this.cache.size;
  }
}
