import type { DesiredUpstream } from '../desired';
import { runBlockingLoop } from './blocking-loop';
import { parseCatalogServices, type CatalogServices } from './catalog';
import type { ConsulWatchError } from './errors';
import { parseHealthService } from './health';
import type { ConsulHttp } from './http';
import { Limiter } from './limiter';
import { isCandidate, mapService } from './mapping';
import type { ResolvedConsulOptions } from './resolve-options';
import { ServiceTable } from './service-table';

/** Where a session hands what it learns; the source turns it into sink calls and status. */
export interface SessionOutput {
  resync(upstreams: DesiredUpstream[], reason: string): void;
  update(upstreams: DesiredUpstream[], reason: string): void;
  index(endpoint: string, index: number | undefined): void;
  invalidIndex(error: ConsulWatchError): void;
}

export const CATALOG = 'catalog/services';
export const CATALOG_META = 'catalog/services?meta';

interface ServiceWatch {
  readonly controller: AbortController;
  primed: boolean;
}

function range(from: number, to: number | undefined): string {
  return `${from} -> ${to ?? 'invalid'}`;
}

/**
 * One watch session: the catalog loops (services and tags; services carrying the meta key), a health loop per
 * mapped service, and one full resync once every loop answered its first read. After that, changes are deltas.
 * The session ends at the first watch error (it rejects with it) or when its signal aborts; the source then
 * starts a new one, from index 0, with a new resync.
 */
export class WatchSession {
  readonly table: ServiceTable;
  private readonly controller = new AbortController();
  private readonly limiter: Limiter;
  private readonly watches = new Map<string, ServiceWatch>();
  private readonly loops = new Set<Promise<void>>();
  private catalog: CatalogServices | undefined;
  private catalogIndex: number | undefined;
  private metaServices: ReadonlySet<string> | undefined;
  private unprimed = 0;
  private resynced = false;
  private fail: (error: unknown) => void = () => {};

  constructor(
    private readonly options: ResolvedConsulOptions,
    private readonly http: ConsulHttp,
    private readonly output: SessionOutput,
    /** Why this session resyncs, for the audit trail: `start`, or the error that ended the previous one. */
    private readonly why: string,
  ) {
    this.table = new ServiceTable(options.upstreamDefaults);
    this.limiter = new Limiter(options.listConcurrency);
  }

  get services(): number {
    return this.watches.size;
  }

  /** Runs until `signal` aborts (resolves) or a watch fails (rejects); every read is settled when it returns. */
  async run(signal: AbortSignal): Promise<void> {
    const stop = () => this.controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    const failed = new Promise<never>((_, reject) => {
      this.fail = (error) => {
        this.controller.abort();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
    });
    // A failure after the session ended (a second loop failing) has nobody left to tell.
    failed.catch(() => undefined);
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      this.startCatalogLoops();
      await Promise.race([failed, stopped]);
    } finally {
      signal.removeEventListener('abort', stop);
      this.controller.abort();
      await Promise.allSettled([...this.loops]);
    }
  }

  private loop(
    endpoint: string,
    path: string,
    signal: AbortSignal,
    onBody: (body: unknown, from: number, to: number | undefined) => void,
    query?: Record<string, string>,
  ): void {
    const { options } = this;
    const running = runBlockingLoop({
      http: this.http,
      path,
      ...(query === undefined ? {} : { query }),
      waitMs: options.waitMs,
      minQueryIntervalMs: options.minQueryIntervalMs,
      retry: options.retry,
      random: options.random,
      clock: options.clock,
      signal,
      limiter: this.limiter,
      onChange: (body, from, to) => {
        onBody(body, from, to);
        this.output.index(endpoint, to);
      },
      onInvalidIndex: (error) => this.output.invalidIndex(error),
    })
      .catch((error: unknown) => {
        if (!signal.aborted) this.fail(error);
      })
      .finally(() => this.loops.delete(running));
    this.loops.add(running);
  }

  private startCatalogLoops(): void {
    const signal = this.controller.signal;
    this.loop(CATALOG, '/v1/catalog/services', signal, (body, from, to) => {
      this.catalog = parseCatalogServices(body);
      this.catalogIndex = to;
      this.syncWatches(`catalog index ${range(from, to)}`);
    });
    const { metaKey } = this.options.mapping;
    if (metaKey === null || this.options.mapping.byServiceName) {
      this.metaServices = new Set();
      return;
    }
    // The catalog list shows tags, not meta: a filtered list names the services whose instances carry the key.
    const filter = `"${metaKey}" in ServiceMeta`;
    this.loop(
      CATALOG_META,
      '/v1/catalog/services',
      signal,
      (body, from, to) => {
        this.metaServices = new Set(parseCatalogServices(body).keys());
        this.syncWatches(`catalog (meta ${metaKey}) index ${range(from, to)}`);
      },
      { filter },
    );
  }

  /** Starts a health loop for each newly mapped service and ends those of services gone or no longer mapped. */
  private syncWatches(reason: string): void {
    const { catalog, metaServices } = this;
    if (catalog === undefined || metaServices === undefined) return;
    const wanted = new Set<string>();
    for (const name of new Set([...catalog.keys(), ...metaServices])) {
      if (isCandidate(name, catalog.get(name) ?? [], this.options.mapping, metaServices)) wanted.add(name);
    }
    for (const [name, watch] of this.watches) {
      if (wanted.has(name)) continue;
      watch.controller.abort();
      this.watches.delete(name);
      if (!watch.primed) this.unprimed--;
      this.output.index(`health/service/${name}`, undefined);
      const changed = this.table.remove(name);
      const what = catalog.has(name) ? 'is no longer mapped' : 'left the catalog';
      this.deliver(changed, `${reason}: service '${name}' ${what}`);
    }
    for (const name of wanted) if (!this.watches.has(name)) this.watch(name);
    this.maybeResync();
  }

  private watch(service: string): void {
    const controller = new AbortController();
    const watch: ServiceWatch = { controller, primed: false };
    this.watches.set(service, watch);
    this.unprimed++;
    const signal = AbortSignal.any([this.controller.signal, controller.signal]);
    const path = `/v1/health/service/${encodeURIComponent(service)}`;
    this.loop(`health/service/${service}`, path, signal, (body, from, to) => {
      const mapped = mapService(parseHealthService(service, body), this.options.mapping, this.options.includeWarning);
      const changed = this.table.set(service, mapped);
      if (!watch.primed) {
        watch.primed = true;
        this.unprimed--;
      }
      this.deliver(changed, `service '${service}' index ${range(from, to)}`);
      this.maybeResync();
    });
  }

  /** After the resync, a change goes to the sink as the complete lists of the upstreams it touched. */
  private deliver(changed: string[], reason: string): void {
    if (!this.resynced || changed.length === 0) return;
    this.output.update(
      changed.map((name) => this.table.upstream(name)),
      `consul ${this.options.datacenter}: ${reason}`,
    );
  }

  private maybeResync(): void {
    if (this.resynced || this.unprimed > 0 || this.catalog === undefined || this.metaServices === undefined) return;
    this.resynced = true;
    const at = this.catalogIndex === undefined ? 'an invalid catalog index' : `catalog index ${this.catalogIndex}`;
    this.output.resync(this.table.snapshot(), `consul ${this.options.datacenter}: full sync at ${at} (${this.why})`);
  }
}
