import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Milliseconds buckets shaped like Kong's prometheus plugin (fine below 100 ms, coarse above). */
const LATENCY_BUCKETS_MS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000];

type RequestLabels = 'service' | 'route' | 'code';
type LatencyLabels = 'service' | 'route';

/** Per-route children of the request metrics, resolved once per route and status code instead of per request. */
export interface RouteMeters {
  count(code: number): void;
  readonly requestLatency: Histogram.Internal<LatencyLabels>;
  readonly upstreamLatency: Histogram.Internal<LatencyLabels>;
}

/** Where the scrape-time gauges read from; bound once the replica's parts exist. */
export interface MetricsSource {
  config(): { version: number; lag: number; hash: string; appliedAt: number | null };
  /** One entry per target address, with its current health (HEALTHY, UNHEALTHY, DNS_ERROR, HEALTHCHECKS_OFF). */
  targetHealth(): Iterable<{ upstream: string; target: string; address: string; health: string }>;
}

const HEALTH_STATES = ['healthy', 'unhealthy', 'dns_error', 'healthchecks_off'] as const;

/**
 * What a replica exposes on `/metrics` of its status port: traffic, latency, upstream health and where it is in
 * the config log. Label values come from config (service and route names), so cardinality is bounded by it.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<RequestLabels>;
  private readonly requestLatency: Histogram<LatencyLabels>;
  private readonly upstreamLatency: Histogram<LatencyLabels>;
  readonly targetHealth: Gauge<'upstream' | 'target' | 'address' | 'state'>;
  readonly configVersion: Gauge;
  readonly configLag: Gauge;
  readonly configHash: Gauge;
  readonly configAppliedAt: Gauge;
  private source: MetricsSource | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'gantry_http_requests_total',
      help: 'HTTP requests proxied, by service, route and status code',
      labelNames: ['service', 'route', 'code'],
      registers,
    });
    this.requestLatency = new Histogram({
      name: 'gantry_request_latency_ms',
      help: 'Time from the first byte of the request to the last byte of the response, in ms',
      labelNames: ['service', 'route'],
      buckets: LATENCY_BUCKETS_MS,
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: 'gantry_upstream_latency_ms',
      help: 'Time from sending the request upstream to the first byte of its response, in ms',
      labelNames: ['service', 'route'],
      buckets: LATENCY_BUCKETS_MS,
      registers,
    });
    // collect() runs with the gauge as `this`; the source is read through this arrow instead.
    const source = (): MetricsSource | undefined => this.source;
    this.targetHealth = new Gauge({
      name: 'gantry_upstream_target_health',
      help: 'Health of each upstream target address as this replica sees it (1 for the current state)',
      labelNames: ['upstream', 'target', 'address', 'state'],
      registers,
      aggregator: 'max',
      collect() {
        this.reset();
        for (const entry of source()?.targetHealth() ?? []) {
          const current = entry.health.toLowerCase();
          for (const state of HEALTH_STATES) {
            this.set(
              { upstream: entry.upstream, target: entry.target, address: entry.address, state },
              state === current ? 1 : 0,
            );
          }
        }
      },
    });
    // Across workers the slowest one is what matters: the lowest version and the largest lag.
    this.configVersion = new Gauge({
      name: 'gantry_config_version',
      help: 'Version of the config log this replica has applied',
      registers,
      aggregator: 'min',
      collect() {
        const config = source()?.config();
        if (config) this.set(config.version);
      },
    });
    this.configLag = new Gauge({
      name: 'gantry_config_lag',
      help: 'Config log records behind the head when last observed',
      registers,
      aggregator: 'max',
      collect() {
        const config = source()?.config();
        if (config) this.set(config.lag);
      },
    });
    this.configHash = new Gauge({
      name: 'gantry_data_plane_config_hash',
      help: 'The applied config hash as a number (its first 48 bits), for comparing replicas',
      registers,
      aggregator: 'min',
      collect() {
        const config = source()?.config();
        if (config) this.set(parseInt(config.hash.slice(0, 12), 16) || 0);
      },
    });
    this.configAppliedAt = new Gauge({
      name: 'gantry_config_last_applied_timestamp_seconds',
      help: 'When this replica last applied a config record',
      registers,
      aggregator: 'min',
      collect() {
        const appliedAt = source()?.config().appliedAt;
        if (appliedAt != null) this.set(appliedAt / 1000);
      },
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The meters of one route; call again when the route or its service is renamed. */
  routeMeters(service: string, route: string): RouteMeters {
    const byCode = new Map<number, Counter.Internal>();
    const requests = this.requests;
    return {
      count(code: number): void {
        let child = byCode.get(code);
        if (child === undefined) {
          child = requests.labels(service, route, String(code));
          byCode.set(code, child);
        }
        child.inc();
      },
      requestLatency: this.requestLatency.labels(service, route),
      upstreamLatency: this.upstreamLatency.labels(service, route),
    };
  }

  bind(source: MetricsSource): void {
    this.source = source;
  }

  /** The replica facts the metrics read, once bound (plugins report from the same source). */
  get boundSource(): MetricsSource | undefined {
    return this.source;
  }
}
