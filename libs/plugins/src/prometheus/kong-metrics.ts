import { hostname, networkInterfaces } from 'node:os';
import type { Entity } from '@gantry/config';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GatewayFacts } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';

/** Kong 3.9's buckets: its own latency is small, the upstream's and the total are not. */
const KONG_LATENCY_BUCKETS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000];
const UPSTREAM_LATENCY_BUCKETS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];
const HEALTH_STATES = ['healthchecks_off', 'healthy', 'unhealthy', 'dns_error'] as const;
/** Gantry has one workspace, Kong's default. */
const WORKSPACE = 'default';
/** Label-bound children cached per route before the cache is started over (status codes x consumers). */
const MAX_CHILDREN_PER_ROUTE = 1024;

/** Which metrics one prometheus instance records. */
export interface RecordFlags {
  readonly perConsumer: boolean;
  readonly statusCodes: boolean;
  readonly latencies: boolean;
  readonly bandwidth: boolean;
}

/** The metric children of one route, bound to its labels once instead of per request. */
interface RouteMeters {
  readonly service: Entity | null;
  readonly serviceLabel: string;
  readonly routeLabel: string;
  /** (code * 2 + came from the service) → consumer label → child. */
  readonly requests: Map<number, Map<string, Counter.Internal>>;
  /** consumer label → [ingress, egress]. */
  readonly bandwidth: Map<string, [Counter.Internal, Counter.Internal]>;
  latency:
    | [
        kong: Histogram.Internal<LatencyLabels>,
        upstream: Histogram.Internal<LatencyLabels>,
        request: Histogram.Internal<LatencyLabels>,
      ]
    | null;
  children: number;
}

type StatusLabels = 'service' | 'route' | 'code' | 'source' | 'workspace' | 'consumer';
type LatencyLabels = 'service' | 'route' | 'workspace';
type BandwidthLabels = 'service' | 'route' | 'direction' | 'workspace' | 'consumer';

const byRegistry = new WeakMap<Registry, KongMetrics>();
/** Cache key for requests that matched no route. */
const NO_ROUTE = {};

/**
 * Kong's prometheus metrics in one registry (shared with the replica's own `gantry_*` metrics). Every
 * prometheus instance of a replica records into the same metrics, so they are registered once per registry
 * and never unregistered: counters survive re-configuration, as Kong's do.
 */
export class KongMetrics {
  private readonly requests: Counter<StatusLabels>;
  private readonly kongLatency: Histogram<LatencyLabels>;
  private readonly upstreamLatency: Histogram<LatencyLabels>;
  private readonly requestLatency: Histogram<LatencyLabels>;
  private readonly bandwidth: Counter<BandwidthLabels>;
  private readonly routes = new WeakMap<object, RouteMeters>();
  private gateway: GatewayFacts | null = null;
  /** Live instances with `upstream_health_metrics`: target health is exported while there is one. */
  private healthUsers = 0;
  /** Labels of the config hash: which replica reports it. */
  private readonly node = { id: '', hostname: hostname(), ip: localAddress() };

  /** The metrics of `registry`, registered on first use. */
  static of(registry: Registry): KongMetrics {
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) {
      metrics = new KongMetrics(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'kong_http_requests_total',
      help: 'HTTP status codes per consumer/service/route in Kong',
      labelNames: ['service', 'route', 'code', 'source', 'workspace', 'consumer'],
      registers,
    });
    this.kongLatency = new Histogram({
      name: 'kong_kong_latency_ms',
      help: 'Latency added by Kong and enabled plugins for each service/route in Kong',
      labelNames: ['service', 'route', 'workspace'],
      buckets: KONG_LATENCY_BUCKETS,
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: 'kong_upstream_latency_ms',
      help: 'Latency added by upstream response for each service/route in Kong',
      labelNames: ['service', 'route', 'workspace'],
      buckets: UPSTREAM_LATENCY_BUCKETS,
      registers,
    });
    this.requestLatency = new Histogram({
      name: 'kong_request_latency_ms',
      help: 'Total latency incurred during requests for each service/route in Kong',
      labelNames: ['service', 'route', 'workspace'],
      buckets: UPSTREAM_LATENCY_BUCKETS,
      registers,
    });
    this.bandwidth = new Counter({
      name: 'kong_bandwidth_bytes',
      help: 'Total bandwidth (ingress/egress) throughput in bytes',
      labelNames: ['service', 'route', 'direction', 'workspace', 'consumer'],
      registers,
    });
    // collect() runs with the gauge as `this`; the replica's facts are read through these arrows.
    const health = (): Iterable<{ upstream: string; target: string; address: string; health: string }> =>
      this.healthUsers > 0 && this.gateway !== null ? this.gateway.targetHealth() : [];
    new Gauge({
      name: 'kong_upstream_target_health',
      help:
        'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, ' +
        'value is 1 when state is populated.',
      labelNames: ['upstream', 'target', 'address', 'state', 'subsystem'],
      registers,
      aggregator: 'max',
      collect() {
        this.reset();
        for (const entry of health()) {
          const current = entry.health.toLowerCase();
          for (const state of HEALTH_STATES) {
            this.labels(entry.upstream, entry.target, entry.address, state, 'http').set(state === current ? 1 : 0);
          }
        }
      },
    });
    const configHash = (): string | null => this.gateway?.configHash() ?? null;
    const node = this.node;
    new Gauge({
      name: 'kong_data_plane_config_hash',
      help: 'Config hash numeric value of the data plane',
      labelNames: ['node_id', 'hostname', 'ip'],
      registers,
      aggregator: 'first',
      collect() {
        this.reset();
        const hash = configHash();
        if (hash !== null) this.labels(node.id, node.hostname, node.ip).set(hashToNumber(hash));
      },
    });
  }

  /**
   * Registers a live instance; returns its release. The latest instance's gateway facts are the ones read
   * (every instance of a replica has the same).
   */
  retain(gateway: GatewayFacts, nodeId: string, upstreamHealth: boolean): () => void {
    this.gateway = gateway;
    this.node.id = nodeId;
    if (upstreamHealth) this.healthUsers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (upstreamHealth) this.healthUsers--;
    };
  }

  /** Records one finished request (Kong's log phase). */
  record(kong: PluginRequest, flags: RecordFlags): void {
    const response = kong.response;
    // As Kong: a request no service was found for (no route matched) is not recorded at all.
    if (response === null || kong.service === null) return;
    const meters = this.metersOf(kong);
    const consumer = flags.perConsumer && typeof kong.consumer?.username === 'string' ? kong.consumer.username : '';

    if (flags.bandwidth) {
      let pair = meters.bandwidth.get(consumer);
      if (pair === undefined) {
        pair = [
          this.bandwidth.labels(meters.serviceLabel, meters.routeLabel, 'ingress', WORKSPACE, consumer),
          this.bandwidth.labels(meters.serviceLabel, meters.routeLabel, 'egress', WORKSPACE, consumer),
        ];
        meters.bandwidth.set(consumer, pair);
        this.grew(meters, 2);
      }
      if (response.requestSize > 0) pair[0].inc(response.requestSize);
      if (response.size > 0) pair[1].inc(response.size);
    }

    if (flags.statusCodes) {
      const fromService = response.source === 'upstream';
      const key = response.status * 2 + (fromService ? 1 : 0);
      let byConsumer = meters.requests.get(key);
      if (byConsumer === undefined) {
        byConsumer = new Map();
        meters.requests.set(key, byConsumer);
      }
      let child = byConsumer.get(consumer);
      if (child === undefined) {
        child = this.requests.labels(
          meters.serviceLabel,
          meters.routeLabel,
          String(response.status),
          fromService ? 'service' : 'kong',
          WORKSPACE,
          consumer,
        );
        byConsumer.set(consumer, child);
        this.grew(meters, 1);
      }
      child.inc();
    }

    if (flags.latencies) {
      const latency = (meters.latency ??= [
        this.kongLatency.labels(meters.serviceLabel, meters.routeLabel, WORKSPACE),
        this.upstreamLatency.labels(meters.serviceLabel, meters.routeLabel, WORKSPACE),
        this.requestLatency.labels(meters.serviceLabel, meters.routeLabel, WORKSPACE),
      ]);
      // The latencies of Kong's log record: whole milliseconds, Kong's own time including the request's when
      // nothing was proxied.
      latency[0].observe(Math.round(response.proxyLatencyMs ?? response.requestLatencyMs));
      if (response.upstreamLatencyMs !== null) latency[1].observe(Math.round(response.upstreamLatencyMs));
      latency[2].observe(Math.round(response.requestLatencyMs));
    }
  }

  private metersOf(kong: PluginRequest): RouteMeters {
    const key = kong.route ?? NO_ROUTE;
    let meters = this.routes.get(key);
    if (meters === undefined || meters.service !== kong.service) {
      meters = {
        service: kong.service,
        serviceLabel: labelOf(kong.service, 'name', 'host'),
        routeLabel: labelOf(kong.route, 'name', 'id'),
        requests: new Map(),
        bandwidth: new Map(),
        latency: null,
        children: 0,
      };
      this.routes.set(key, meters);
    }
    return meters;
  }

  /** Keeps a route's cache bounded; the children stay registered, they are only looked up again. */
  private grew(meters: RouteMeters, by: number): void {
    meters.children += by;
    if (meters.children <= MAX_CHILDREN_PER_ROUTE) return;
    meters.requests.clear();
    meters.bandwidth.clear();
    meters.children = 0;
  }
}

/** Kong's label for a service (name, else host) or route (name, else id); '' when there is none. */
function labelOf(entity: Entity | null, first: string, second: string): string {
  if (entity === null) return '';
  const a = entity[first];
  if (typeof a === 'string' && a !== '') return a;
  const b = entity[second];
  return typeof b === 'string' ? b : '';
}

/** The config hash as a number, as Kong exports it (`tonumber("0x" .. hash)`: a float, precision lost). */
export function hashToNumber(hash: string): number {
  if (!/^[0-9a-fA-F]+$/.test(hash)) return 0;
  return Number(`0x${hash}`);
}

/** This host's first external IPv4 address, for the config hash's `ip` label. */
function localAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}
