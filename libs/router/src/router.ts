import { LRUCache } from 'lru-cache';
import type { AppliedChange, Entity } from '@gantry/config';
import { compileEntries, invalidRoute, type CompiledEntries } from './compile';
import { HostIndex } from './host-index';
import { Matcher } from './matcher';
import { resolveOptions, type ResolvedRouterOptions } from './options';
import type { RequestFacts, RouteMatch, RouterOptions } from './types';

/** What the cache holds for a request that matched nothing (the cache cannot hold null). */
const NO_MATCH = Object.freeze({ noMatch: true as const });
type Cached = RouteMatch | typeof NO_MATCH;

/** Separators that cannot occur in a method, Host header, path or header value Node accepts. */
const SEP = '\n';
const ABSENT = '\u0000';
const VALUE_SEP = '\u0001';

/**
 * Kong's HTTP router (3.x `traditional_compatible` semantics) over an incremental index: adding, changing or
 * removing a route touches only that route's index entries. Matches are cached in a bounded LRU that every
 * change clears. Synchronous throughout, so a request never sees half of a changeset.
 */
export class Router {
  private readonly options: ResolvedRouterOptions;
  private readonly routes = new Map<string, CompiledEntries>();
  private index = new HostIndex();
  private readonly disabledServices = new Set<string>();
  /** How many routes use each header name; the names go into cache keys. */
  private readonly headerNameUse = new Map<string, number>();
  private headerNames: readonly string[] = [];
  private readonly cache: LRUCache<string, Cached>;
  private readonly matcher: Matcher;

  constructor(options?: RouterOptions) {
    this.options = resolveOptions(options);
    this.cache = new LRUCache<string, Cached>({ max: this.options.cacheSize });
    this.matcher = new Matcher(this.options.maxRegexSubjectLength, this.disabledServices);
  }

  /** HTTP-family routes held (stream routes are ignored). */
  get size(): number {
    return this.routes.size;
  }

  /**
   * Whether some route matches on headers. The proxy then passes `req.headersDistinct` (one entry per value, as
   * Kong matches repeated headers) and otherwise the cheaper `req.headers`.
   */
  get matchesHeaders(): boolean {
    return this.headerNames.length > 0;
  }

  /** Entries in the match cache; never above `cacheSize`. */
  get cachedMatches(): number {
    return this.cache.size;
  }

  /**
   * Boot: replaces everything with these routes, building the index in bulk. Pass the services too so that the
   * routes of a disabled service (`enabled: false`) do not match, as in Kong.
   */
  load(routes: Iterable<Entity>, services: Iterable<Entity> = []): void {
    this.routes.clear();
    this.headerNameUse.clear();
    this.headerNames = [];
    this.disabledServices.clear();
    this.index = new HostIndex();
    this.index.beginBulk();
    try {
      for (const route of routes) this.upsertOne(route);
    } finally {
      this.index.endBulk();
    }
    for (const service of services) this.setService(service.id, service);
    this.cache.clear();
  }

  /** Applies one folded changeset: route creates, updates and deletes (cascades included), service enabling. */
  apply(changes: readonly AppliedChange[]): void {
    let touched = false;
    for (const change of changes) {
      if (change.kind === 'routes') {
        if (change.after === null) this.removeOne(change.key);
        else this.upsertOne(change.after);
        touched = true;
      } else if (change.kind === 'services') {
        if (this.setService(change.key, change.after)) touched = true;
      }
    }
    if (touched) this.cache.clear();
  }

  /** Adds or replaces one route. */
  upsert(route: Entity): void {
    this.upsertOne(route);
    this.cache.clear();
  }

  /** Removes one route; unknown ids are ignored. */
  remove(id: string): void {
    this.removeOne(id);
    this.cache.clear();
  }

  /** The route Kong would pick for this request, or null (Kong answers 404 "no Route matched with those values"). */
  match(request: RequestFacts): RouteMatch | null {
    const key = this.cacheKey(request);
    if (key !== null) {
      const cached = this.cache.get(key);
      if (cached !== undefined) return cached === NO_MATCH ? null : (cached as RouteMatch);
    }
    const found = this.matcher.find(this.index, request);
    if (key !== null) this.cache.set(key, found ?? NO_MATCH);
    return found;
  }

  private upsertOne(entity: Entity): void {
    if (typeof entity.id !== 'string') {
      this.options.onRouteError(invalidRoute(entity));
      return;
    }
    const compiled = compileEntries(entity, this.options.onRouteError);
    this.removeOne(entity.id);
    if (compiled === null) return; // a stream route: not ours
    this.routes.set(entity.id, compiled);
    this.index.add(compiled);
    for (const rule of compiled.route.headers) this.useHeaderName(rule.name, +1);
  }

  private removeOne(id: string): void {
    const previous = this.routes.get(id);
    if (previous === undefined) return;
    this.routes.delete(id);
    this.index.remove(previous);
    for (const rule of previous.route.headers) this.useHeaderName(rule.name, -1);
  }

  /** Tracks `enabled: false`; true when that changed what matches. */
  private setService(id: string, service: Entity | null): boolean {
    const disabled = service !== null && service.enabled === false;
    if (disabled === this.disabledServices.has(id)) return false;
    if (disabled) this.disabledServices.add(id);
    else this.disabledServices.delete(id);
    return true;
  }

  private useHeaderName(name: string, delta: 1 | -1): void {
    const count = (this.headerNameUse.get(name) ?? 0) + delta;
    if (count > 0) this.headerNameUse.set(name, count);
    else this.headerNameUse.delete(name);
    if (count === 0 || (count === 1 && delta === 1)) this.headerNames = [...this.headerNameUse.keys()];
  }

  /** Everything the answer depends on; null when too long to be worth caching (bounds the cache's memory). */
  private cacheKey(request: RequestFacts): string | null {
    const max = this.options.maxCacheKeyLength;
    if (request.path.length + request.host.length > max) return null;
    let key =
      request.method + SEP + request.scheme + SEP + (request.sni ?? '') + SEP + request.host + SEP + request.path;
    for (const name of this.headerNames) {
      const value = request.headers[name];
      key += SEP;
      if (value === undefined) key += ABSENT;
      else if (typeof value === 'string') key += value;
      else for (const v of value) key += v + VALUE_SEP;
      if (key.length > max) return null;
    }
    return key.length > max ? null : key;
  }
}
