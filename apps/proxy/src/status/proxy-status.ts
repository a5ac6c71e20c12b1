import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import type { UpstreamHealth } from '@gantry/balancer';
import { CONFIG_PLANE, ConfigPlane, SETTINGS } from '@gantry/runtime';
import { GANTRY_VERSION, type Settings } from '@gantry/settings';
import type { DataPlaneReportInput, DataPlaneStatus, ReportedUpstreamHealth } from '@gantry/store';
import { GatewayLifecycle } from '../gateway/gateway.lifecycle';
import { ProxyMetrics } from './proxy-metrics';

/**
 * One replica's answer to "where are you": readiness, place in the config log, upstream health. The status
 * port, the metrics and the data-plane report all read it from here.
 */
@Injectable()
export class ProxyStatus {
  private readonly startedAt = Date.now();
  /** The log head when last probed; the replica only learns it from records, which stop during an outage. */
  private probedHead = 0;
  /** Why the last probe of the log failed, or null. */
  private logError: string | null = null;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CONFIG_PLANE) private readonly plane: ConfigPlane,
    @Inject(GatewayLifecycle) private readonly gateway: GatewayLifecycle,
    @Inject(ProxyMetrics) private readonly metrics: ProxyMetrics,
  ) {
    metrics.bind({
      config: () => {
        const progress = plane.replica.progress();
        return {
          version: progress.version,
          lag: this.lag().lag,
          hash: plane.replica.status().hash,
          appliedAt: progress.lastAppliedAt,
        };
      },
      targetHealth: () => this.targetHealthRows(),
    });
  }

  get nodeId(): string {
    return this.settings.nodeId;
  }

  /** Null when ready: config loaded, caught up with the log as it was at boot, gateway listening. */
  notReadyReason(): string | null {
    if (this.plane.phase !== 'ready') {
      return this.plane.lastStartError ?? `the config plane is ${this.plane.phase}`;
    }
    if (!this.plane.replica.progress().caughtUp) return 'catching up with the config log';
    if (!this.gateway.listening) return this.gateway.lastError ?? 'the gateway is not listening yet';
    return null;
  }

  /**
   * Asks the log for its head, bounded by `timeoutMs`: the lag a replica reports and whether it is cut off from
   * the log (degraded) come from here. Called on every report interval.
   */
  async probeLog(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const head = await Promise.race([
        this.plane.log.headVersion(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      this.probedHead = Math.max(this.probedHead, head);
      this.logError = null;
    } catch (error) {
      this.logError = `config log unreachable: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `degraded`: serving its last applied version while the log (or its tail) is failing. */
  dataPlaneStatus(): DataPlaneStatus {
    const progress = this.plane.replica.progress();
    if (!progress.caughtUp || this.plane.phase !== 'ready') return 'catching_up';
    return progress.lastError === null && this.logError === null ? 'ready' : 'degraded';
  }

  private lag(): { head: number; lag: number } {
    const progress = this.plane.replica.progress();
    const head = Math.max(progress.headVersion, this.probedHead);
    return { head, lag: Math.max(0, head - progress.version) };
  }

  describe(): Record<string, unknown> {
    const progress = this.plane.replica.progress();
    const memory = process.memoryUsage();
    const router = this.gateway.dataPlane.router;
    return {
      node_id: this.settings.nodeId,
      version: GANTRY_VERSION,
      ready: this.notReadyReason() === null,
      status: this.dataPlaneStatus(),
      config_version: progress.version,
      config_hash: this.plane.replica.status().hash,
      head_version: this.lag().head,
      lag: this.lag().lag,
      caught_up: progress.caughtUp,
      booted_from_snapshot: progress.bootedFromSnapshot,
      last_applied_at: progress.lastAppliedAt,
      last_error: this.logError ?? progress.lastError,
      routes: router.size,
      services: this.gateway.dataPlane.services.size,
      server: { total_requests: this.gateway.pipeline.counters.total },
      memory: { rss: memory.rss, heap_used: memory.heapUsed },
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  /** What this replica tells the data-plane registry (and through it `GET /clustering/data-planes`). */
  report(): DataPlaneReportInput {
    const progress = this.plane.replica.progress();
    const upstreamHealth: Record<string, ReportedUpstreamHealth> = {};
    for (const [id, health] of this.gateway.dataPlane.balancers.health()) upstreamHealth[id] = reported(health);
    const address = this.gateway.gateway?.address();
    return {
      id: this.settings.nodeId,
      hostname: hostname(),
      ip: address
        ? `${address.host}:${address.port}`
        : `${this.settings.proxyListen.host}:${this.settings.proxyListen.port}`,
      version: GANTRY_VERSION,
      config_version: progress.version,
      config_hash: this.plane.replica.status().hash,
      lag: this.lag().lag,
      status: this.dataPlaneStatus(),
      upstream_health: upstreamHealth,
    };
  }

  private *targetHealthRows(): Iterable<{ upstream: string; target: string; address: string; health: string }> {
    for (const health of this.gateway.dataPlane.balancers.health().values()) {
      for (const target of health.targets) {
        if (target.addresses.length === 0) {
          yield { upstream: health.name, target: target.target, address: '', health: target.health };
        }
        for (const address of target.addresses) {
          yield {
            upstream: health.name,
            target: target.target,
            address: `${address.ip}:${address.port}`,
            health: address.health,
          };
        }
      }
    }
  }
}

function reported(health: UpstreamHealth): ReportedUpstreamHealth {
  const targets: ReportedUpstreamHealth['targets'] = {};
  for (const target of health.targets) {
    (targets as Record<string, ReportedUpstreamHealth['targets'][string]>)[target.id] = {
      target: target.target,
      health: target.health,
      addresses: target.addresses.map((a) => ({ ip: a.ip, port: a.port, health: a.health })),
    };
  }
  return { healthy: health.healthy, targets };
}
