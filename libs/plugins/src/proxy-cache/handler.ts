import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { PluginDefinition, PluginHandler, ResponseView } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { NO_DIRECTIVES, numericDirective, parseDirectives, resourceTtl, type Directives } from './cache-control';
import { cacheKey, type KeyOptions } from './cache-key';
import { ContentTypes } from './content-types';
import { DEFAULT_MEMORY_STORE_BYTES, MemoryStore, type CachedResponse } from './memory-store';
import { proxyCacheSchema, type ProxyCacheConfig } from './schema';

/** Headers never replayed from the cache (hop-by-hop, the length, and the cache's own diagnostics). */
const NOT_STORED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'age',
  'x-cache-status',
  'x-cache-key',
]);

type Diagnostic = 'Age' | 'X-Cache-Status' | 'X-Cache-Key';
type CacheStatus = 'Miss' | 'Hit' | 'Refresh' | 'Bypass';

/** A request the cache will try to store the answer of (Kong's `ctx.proxy_cache`). */
interface Pending {
  readonly key: string;
  response: { status: number; headers: OutgoingHttpHeaders; ttl: number } | null;
}

/** What tests may replace. */
export interface ProxyCacheOptions {
  /** Wall clock, ms. */
  readonly now?: () => number;
  /** Bound of the instance's memory store, bytes. */
  readonly maxBytes?: number;
}

function storedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_STORED.has(name) && !name.includes('ratelimit-remaining')) out[name] = value;
  }
  return out;
}

/** Makes a proxy-cache handler; each instance has its own store (each replica caches on its own, as Kong nodes). */
export function createProxyCache(config: ProxyCacheConfig, options: ProxyCacheOptions = {}): PluginHandler {
  const now = options.now ?? Date.now;
  const nowSeconds = (): number => Math.floor(now() / 1000);
  const store = new MemoryStore(options.maxBytes ?? DEFAULT_MEMORY_STORE_BYTES, options.now);
  const methods = new Set(config.request_method);
  const statuses = new Set(config.response_code);
  const contentTypes = new ContentTypes(config.content_type);
  const keyOptions: KeyOptions = {
    ignoreUriCase: config.ignore_uri_case,
    varyQueryParams: config.vary_query_params ?? [],
    varyHeaders: config.vary_headers ?? [],
  };
  const pending = new WeakMap<PluginRequest, Pending>();

  /** Diagnostic headers go out when configured, or whenever the client sends `Kong-Debug`. */
  function shows(kong: PluginRequest, header: Diagnostic): boolean {
    return config.response_headers[header] || kong.headers['kong-debug'] !== undefined;
  }

  function markStatus(kong: PluginRequest, status: CacheStatus): void {
    if (shows(kong, 'X-Cache-Status')) kong.setResponseHeader('X-Cache-Status', status);
  }

  function cacheableRequest(kong: PluginRequest, cc: Directives): boolean {
    if (!methods.has(kong.upstreamMethod)) return false;
    // Kong means to skip requests with credentials here but reads a variable nginx never sets; Gantry does skip.
    if (
      config.cache_control &&
      (cc.has('no-store') || cc.has('no-cache') || kong.headers.authorization !== undefined)
    ) {
      return false;
    }
    return true;
  }

  /** Why a stored answer is not good enough for this client (Kong's Refresh cases). */
  function stale(entry: CachedResponse, cc: Directives): boolean {
    const age = nowSeconds() - entry.timestamp;
    if (!config.cache_control) return age > config.cache_ttl;
    const maxAge = numericDirective(cc, 'max-age');
    if (maxAge !== undefined && age > maxAge) return true;
    const maxStale = numericDirective(cc, 'max-stale');
    if (maxStale !== undefined && age - entry.ttl > maxStale) return true;
    const minFresh = numericDirective(cc, 'min-fresh');
    return minFresh !== undefined && entry.ttl - age < minFresh;
  }

  function replay(kong: PluginRequest, key: string, entry: CachedResponse): void {
    const headers: OutgoingHttpHeaders = { ...entry.headers };
    if (shows(kong, 'Age')) headers.age = String(nowSeconds() - entry.timestamp);
    if (shows(kong, 'X-Cache-Status')) headers['x-cache-status'] = 'Hit';
    if (shows(kong, 'X-Cache-Key')) headers['x-cache-key'] = key;
    // Logging plugins can tell a hit (Kong's `kong.ctx.shared.proxy_cache_hit`).
    kong.shared.proxy_cache_hit = { res: entry, req: { body: null }, server_addr: kong.raw.socket?.localAddress };
    kong.exit(entry.status, entry.body, headers);
  }

  return {
    access(kong: PluginRequest): void {
      const cc = config.cache_control ? parseDirectives(kong.headers['cache-control']) : NO_DIRECTIVES;
      if (!cacheableRequest(kong, cc)) {
        markStatus(kong, 'Bypass');
        return;
      }
      const key = cacheKey(kong, keyOptions);
      if (shows(kong, 'X-Cache-Key')) kong.setResponseHeader('X-Cache-Key', key);
      const entry = store.get(key);
      if (entry === undefined) {
        // The client wants nothing but the cache (RFC 7234 5.2.1.7).
        if (config.cache_control && cc.has('only-if-cached')) {
          kong.exit(504);
          return;
        }
        pending.set(kong, { key, response: null });
        markStatus(kong, 'Miss');
        return;
      }
      if (stale(entry, cc)) {
        pending.set(kong, { key, response: null });
        markStatus(kong, 'Refresh');
        return;
      }
      replay(kong, key, entry);
    },

    response(kong: PluginRequest, view: ResponseView): void {
      const p = pending.get(kong);
      if (p === undefined) return;
      const cc = config.cache_control ? parseDirectives(view.headers['cache-control']) : null;
      const ttl = cc === null ? config.cache_ttl : resourceTtl(cc, view.headers.expires, nowSeconds());
      const cacheable =
        statuses.has(view.status) &&
        contentTypes.matches(view.headers['content-type']) &&
        (cc === null || !(cc.has('private') || cc.has('no-store') || cc.has('no-cache') || ttl <= 0));
      if (!cacheable) {
        pending.delete(kong);
        if (shows(kong, 'X-Cache-Status')) view.headers['x-cache-status'] = 'Bypass';
        return;
      }
      p.response = { status: view.status, headers: storedHeaders(view.headers), ttl };
    },

    wantsBody(kong: PluginRequest): boolean {
      return pending.get(kong)?.response != null;
    },

    body(kong: PluginRequest, body: Buffer): Buffer {
      const p = pending.get(kong);
      if (p?.response == null) return body;
      pending.delete(kong);
      const { status, headers, ttl } = p.response;
      // A copy: the gateway may reuse or release the buffer it passes.
      const entry: CachedResponse = { status, headers, body: Buffer.from(body), timestamp: nowSeconds(), ttl };
      const storageTtl = config.storage_ttl ?? (config.cache_control ? ttl : config.cache_ttl);
      store.set(p.key, entry, storageTtl);
      return body;
    },

    close(): void {
      store.clear();
    },
  };
}

/** Caches upstream answers in the replica's memory and replays them (Kong's proxy-cache, `memory` strategy). */
export const proxyCache: PluginDefinition<ProxyCacheConfig> = {
  name: 'proxy-cache',
  priority: 100,
  version: '3.9.0',
  schema: proxyCacheSchema,
  create: (config) => createProxyCache(config),
};
