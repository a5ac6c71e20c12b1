import { isIP } from 'node:net';
import type { Entity } from '@gantry/config';
import { Address } from './address';
import type { BalancingAlgorithm } from './algorithms/algorithm';
import { createAlgorithm } from './algorithms/create-algorithm';
import { systemClock, type Clock } from './clock';
import type { DnsResolver } from './dns/dns-resolver';
import { BalancerError } from './errors';
import { HashKey } from './hash/hash-key';
import { ActiveChecker } from './health/active-checker';
import { Circuit } from './health/circuit';
import { classifyOutcome, classifyProbe, trialFailed, type Classified } from './health/classify';
import { targetHealth } from './health/health-report';
import { hostHeaderFor, type ProbeResult, type ProbeTarget } from './health/probes';
import { parseTarget } from './settings/target-settings';
import { parseUpstream, type UpstreamSettings } from './settings/upstream-settings';
import { TargetPool } from './target-pool';
import type {
  BalancerContext,
  BalancerDeps,
  BalancerLogger,
  HealthChangeEvent,
  HealthChangeListener,
  HealthChangeReason,
  Outcome,
  Peer,
  PickResult,
  UpstreamHealth,
} from './types';

const NO_TARGETS: PickResult = Object.freeze({ ok: false, reason: 'no-targets' });
const NO_HEALTHY: PickResult = Object.freeze({ ok: false, reason: 'no-healthy' });
const DNS_ERROR: PickResult = Object.freeze({ ok: false, reason: 'dns-error' });

/** Checks the dependencies every balancer needs. */
export function checkDeps(deps: BalancerDeps): void {
  if (typeof deps !== 'object' || deps === null || typeof deps.resolver?.watch !== 'function') {
    throw new BalancerError('GANTRY_BALANCER_INVALID_OPTIONS', 'deps.resolver: expected a DnsResolver');
  }
  if (deps.clock !== undefined && typeof deps.clock.now !== 'function') {
    throw new BalancerError('GANTRY_BALANCER_INVALID_OPTIONS', 'deps.clock: expected a Clock');
  }
}

/**
 * The load balancer of one upstream: its targets and their resolved addresses, the balancing algorithm, and
 * active and passive health checks. `pick` is synchronous and allocation-free in the common case; DNS, probes
 * and circuit cool-downs all run in the background.
 */
export class UpstreamBalancer {
  private settings: UpstreamSettings;
  /** The raw `healthchecks` and `host_header`, to restart probes only when they change. */
  private probeConfig: string;
  private readonly resolver: DnsResolver;
  private readonly logger: BalancerLogger | undefined;
  private readonly clock: Clock;
  private readonly pool: TargetPool;
  private readonly circuit: Circuit;
  private readonly listeners = new Set<HealthChangeListener>();
  private algorithm: BalancingAlgorithm;
  private hashKey: HashKey | null;
  private checker: ActiveChecker | null = null;
  private addresses: readonly Address[] = [];
  private totalWeight = 0;
  private availableWeight = 0;
  private healthy = false;
  private closed = false;

  constructor(upstream: Entity, deps: BalancerDeps) {
    checkDeps(deps);
    this.settings = parseUpstream(upstream);
    this.probeConfig = JSON.stringify([upstream.healthchecks, upstream.host_header]);
    this.resolver = deps.resolver;
    this.logger = deps.logger;
    this.clock = deps.clock ?? systemClock;
    this.algorithm = createAlgorithm(this.settings, this.clock, this.logger);
    this.hashKey = this.settings.algorithm === 'consistent-hashing' ? new HashKey(this.settings) : null;
    this.circuit = new Circuit(this.clock, (a) =>
      this.logger?.info({ upstream: this.settings.name, peer: a.key }, 'circuit half-open; next request is a trial'),
    );
    this.pool = new TargetPool(
      this.resolver,
      () => this.restructure(),
      (a) => this.circuit.close(a),
    );
    this.startChecker();
  }

  get id(): string {
    return this.settings.id;
  }

  get name(): string {
    return this.settings.name;
  }

  /** The upstream's `host_header`, which overrides the Host sent upstream; null when unset. */
  get hostHeader(): string | null {
    return this.settings.hostHeader;
  }

  /** Applies a changed upstream entity (algorithm, hashing, slots, health checks). Throws when it is invalid. */
  update(upstream: Entity): void {
    this.assertOpen();
    const next = parseUpstream(upstream);
    if (next.id !== this.settings.id) {
      throw new BalancerError('GANTRY_BALANCER_WRONG_UPSTREAM', `upstream ${next.id} is not ${this.settings.id}`);
    }
    const previous = this.settings;
    this.settings = next;
    if (previous.algorithm !== next.algorithm || previous.slots !== next.slots) {
      this.algorithm = createAlgorithm(next, this.clock, this.logger);
      this.algorithm.rebuild(this.addresses);
    }
    this.hashKey = next.algorithm === 'consistent-hashing' ? new HashKey(next) : null;
    const probeConfig = JSON.stringify([upstream.healthchecks, upstream.host_header]);
    const restartProbes = probeConfig !== this.probeConfig;
    this.probeConfig = probeConfig;
    if (restartProbes) {
      this.checker?.stop();
      this.checker = null;
    }
    if (!next.healthchecks.enabled) {
      for (const a of this.addresses) {
        a.health.force(true);
        this.applyHealth(a, 'config');
      }
    } else if (next.healthchecks.passive.unhealthy.cooldownMs === 0) {
      for (const a of this.addresses) if (a.circuit !== 'closed') this.circuit.close(a);
    }
    this.recount();
    if (restartProbes) this.startChecker();
  }

  /** Adds or changes a target of this upstream. Throws when it is invalid or belongs to another upstream. */
  upsertTarget(target: Entity): void {
    this.assertOpen();
    const t = parseTarget(target);
    if (t.upstreamId !== this.settings.id) {
      throw new BalancerError('GANTRY_BALANCER_WRONG_UPSTREAM', `target ${t.id} belongs to upstream ${t.upstreamId}`);
    }
    this.pool.upsert(t);
  }

  removeTarget(id: string): void {
    this.assertOpen();
    this.pool.remove(id);
  }

  /**
   * Chooses the peer for a request, synchronously. `tried` holds the keys of peers this request already tried;
   * they are avoided while any other peer can take it.
   */
  pick(ctx: BalancerContext, tried?: ReadonlySet<string>): PickResult {
    if (this.addresses.length === 0) return this.pool.active.size === 0 || this.closed ? NO_TARGETS : DNS_ERROR;
    const exclude = tried !== undefined && tried.size > 0 ? tried : undefined;
    const hashKey = this.hashKey;
    const hash = hashKey === null ? null : hashKey.compute(ctx);
    let chosen: Address | null;
    if (this.healthy) {
      const now = this.algorithm.needsClock ? this.clock.now() : 0;
      chosen = this.algorithm.pick(hash, exclude, now);
      if (chosen === null && exclude !== undefined) chosen = this.algorithm.pick(hash, undefined, now);
    } else {
      chosen = this.halfOpen(exclude) ?? (exclude === undefined ? null : this.halfOpen(undefined));
    }
    if (chosen === null) return NO_HEALTHY;
    if (chosen.circuit === 'half-open') {
      this.circuit.beginTrial(chosen, this.settings.healthchecks.passive.unhealthy.cooldownMs);
    }
    const cookie = hashKey?.createdCookie ?? null;
    return cookie === null ? chosen.picked : { ok: true, peer: chosen, setCookie: cookie };
  }

  /** A request to `peer` started (least-connections and latency count requests in flight). */
  started(peer: Peer): void {
    if (peer instanceof Address) peer.inFlight++;
  }

  /** An attempt ended without a health signal (the client went away first): only releases the connection count. */
  released(peer: Peer): void {
    if (peer instanceof Address && peer.inFlight > 0) peer.inFlight--;
  }

  /** A request to `peer` ended: releases it and feeds latency and passive health checks. */
  finished(peer: Peer, outcome: Outcome): void {
    if (!(peer instanceof Address)) return;
    const a = peer;
    if (a.inFlight > 0) a.inFlight--;
    if (this.algorithm.observe !== undefined) this.algorithm.observe(a, outcome, this.clock.now());
    const checks = this.settings.healthchecks;
    if (a.detached || this.closed || !checks.enabled) return;
    if (a.circuit === 'trial') {
      this.endTrial(a, outcome);
      return;
    }
    this.count(a, classifyOutcome(outcome, checks.passiveLimits), 'passive');
  }

  /** Health of every active target and of the upstream as a whole (this process's view). */
  health(): UpstreamHealth {
    const checksOn = this.settings.healthchecks.enabled;
    const targets = [...this.pool.active.values()]
      .sort((a, b) => (a.settings.target < b.settings.target ? -1 : 1))
      .map((t) => targetHealth(t, checksOn));
    return {
      id: this.settings.id,
      name: this.settings.name,
      healthy: this.healthy,
      healthchecks: checksOn,
      weight: {
        total: this.totalWeight,
        available: this.availableWeight,
        unavailable: this.totalWeight - this.availableWeight,
      },
      targets,
    };
  }

  /**
   * Forces the health of a target's addresses (all of them, or the one `address` names as `ip:port`), like
   * Kong's `PUT /upstreams/{u}/targets/{t}/healthy|unhealthy`; counters are cleared. Per process, as in Kong.
   */
  setTargetHealth(targetId: string, healthy: boolean, address?: string): void {
    this.assertOpen();
    if (!this.settings.healthchecks.enabled) {
      throw new BalancerError('GANTRY_BALANCER_HEALTHCHECKS_OFF', `health checks are off for ${this.settings.name}`);
    }
    const entity = this.pool.entity(targetId);
    const target = entity === undefined ? undefined : this.pool.active.get(entity.target);
    if (target === undefined) {
      throw new BalancerError(
        'GANTRY_BALANCER_UNKNOWN_TARGET',
        `no active target ${targetId} in ${this.settings.name}`,
      );
    }
    const chosen = target.addresses.filter(
      (a) => address === undefined || `${hostHeaderFor(a.address)}:${a.port}` === address,
    );
    if (address !== undefined && chosen.length === 0) {
      throw new BalancerError('GANTRY_BALANCER_UNKNOWN_TARGET', `target ${targetId} has no address ${address}`);
    }
    for (const a of chosen) {
      a.health.force(healthy);
      this.applyHealth(a, 'manual');
    }
  }

  /** Subscribes to health changes of addresses and of the upstream; returns the unsubscribe function. */
  onHealthChange(listener: HealthChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops probes, DNS watches and timers. The balancer answers `no-targets` afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.checker?.stop();
    this.checker = null;
    this.pool.close();
    this.addresses = [];
    this.listeners.clear();
  }

  private assertOpen(): void {
    if (this.closed)
      throw new BalancerError('GANTRY_BALANCER_CLOSED', `the balancer of ${this.settings.name} is closed`);
  }

  private restructure(): void {
    this.addresses = this.pool.addresses();
    this.algorithm.rebuild(this.addresses);
    this.recount();
  }

  /** Recomputes the weights and the upstream's health against `healthchecks.threshold`. */
  private recount(): void {
    let total = 0;
    let available = 0;
    for (const a of this.addresses) {
      total += a.weight;
      if (a.available) available += a.weight;
    }
    this.totalWeight = total;
    this.availableWeight = available;
    const threshold = this.settings.healthchecks.threshold;
    const healthy = available > 0 && available * 100 >= threshold * total;
    if (healthy === this.healthy) return;
    this.healthy = healthy;
    this.emit({ kind: 'upstream', upstreamId: this.settings.id, upstreamName: this.settings.name, healthy });
  }

  private halfOpen(exclude: ReadonlySet<string> | undefined): Address | null {
    for (const a of this.addresses) {
      if (a.circuit === 'half-open' && a.weight > 0 && (exclude === undefined || !exclude.has(a.key))) return a;
    }
    return null;
  }

  private count(a: Address, classified: Classified | null, reason: 'active' | 'passive'): void {
    if (classified === null) return;
    if (a.health.report(classified.report, classified.limit)) this.applyHealth(a, reason);
  }

  private endTrial(a: Address, outcome: Outcome): void {
    const cooldownMs = this.settings.healthchecks.passive.unhealthy.cooldownMs;
    if (trialFailed(outcome, this.settings.healthchecks.passiveLimits) && cooldownMs > 0) {
      this.circuit.open(a, cooldownMs);
      return;
    }
    a.health.force(true);
    this.applyHealth(a, 'half-open');
  }

  /** Brings `available`, the circuit and the weights in line with the address's counters. */
  private applyHealth(a: Address, reason: HealthChangeReason): void {
    const flipped = a.available !== a.health.healthy;
    a.available = a.health.healthy;
    const cooldownMs = this.settings.healthchecks.passive.unhealthy.cooldownMs;
    if (!a.available && reason === 'passive' && cooldownMs > 0) this.circuit.open(a, cooldownMs);
    else this.circuit.close(a);
    if (!flipped) return;
    this.recount();
    this.logger?.info(
      { upstream: this.settings.name, peer: a.key, healthy: a.available, reason },
      a.available ? 'peer is healthy' : 'peer is unhealthy',
    );
    this.emit({
      kind: 'address',
      upstreamId: this.settings.id,
      upstreamName: this.settings.name,
      peer: a,
      healthy: a.available,
      reason,
    });
  }

  private emit(event: HealthChangeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger?.warn({ upstream: this.settings.name, error: String(error) }, 'a health listener threw');
      }
    }
  }

  private startChecker(): void {
    const checks = this.settings.healthchecks;
    if (this.closed || !checks.enabled) return;
    const checker = new ActiveChecker(checks.active, this.clock, {
      select: (healthy) => this.addresses.filter((a) => a.weight > 0 && a.health.healthy === healthy),
      target: (a) => this.probeTarget(a),
      report: (a, result: ProbeResult) => this.count(a, classifyProbe(result, checks.activeLimits), 'active'),
    });
    this.checker = checker;
    checker.start();
  }

  private probeTarget(a: Address): ProbeTarget {
    const active = this.settings.healthchecks.active;
    return {
      address: a.address,
      port: a.port,
      hostHeader: this.settings.hostHeader ?? hostHeaderFor(a.host),
      servername: active.httpsSni ?? (isIP(a.host) === 0 ? a.host : undefined),
    };
  }
}
