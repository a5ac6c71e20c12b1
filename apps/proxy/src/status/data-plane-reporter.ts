import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import cluster from 'node:cluster';
import { childLogger } from '@gantry/logging';
import { CONFIG_PLANE, ConfigPlane, SETTINGS } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { STATUS_RESPONSE, isStatusRequest, type StatusResponse } from '../workers/worker-messages';
import { ProxyStatus } from './proxy-status';

/**
 * Tells the cluster where this replica is: a report to the data-plane registry every interval (what
 * `GET /clustering/data-planes` and `GET /upstreams/{u}/health` read), and, in a worker, answers to the
 * primary's status requests.
 */
@Injectable()
export class DataPlaneReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = childLogger('data-plane-reporter');
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failing = false;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CONFIG_PLANE) private readonly plane: ConfigPlane,
    @Inject(ProxyStatus) private readonly status: ProxyStatus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.settings.proxy.reportIntervalMs);
    this.timer.unref();
    this.tick();
    if (cluster.isWorker) process.on('message', this.onPrimaryMessage);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (cluster.isWorker) process.off('message', this.onPrimaryMessage);
    await this.inFlight;
    // A clean stop leaves the list at once; a crash ages out through the stale rule.
    await this.plane.dataPlanes.remove(this.status.nodeId).catch(() => undefined);
  }

  private tick(): void {
    if (this.inFlight) return;
    const interval = this.settings.proxy.reportIntervalMs;
    this.inFlight = this.status
      .probeLog(Math.max(500, interval))
      .then(() => this.plane.dataPlanes.report(this.status.report()))
      .then(() => {
        if (this.failing) this.logger.info('data-plane reports resumed');
        this.failing = false;
      })
      .catch((error: unknown) => {
        // Cassandra down: keep serving and keep trying; the admin shows this replica as stale meanwhile.
        if (!this.failing) this.logger.warn({ err: error }, 'data-plane report failed; retrying every interval');
        this.failing = true;
      })
      .finally(() => (this.inFlight = undefined));
  }

  private readonly onPrimaryMessage = (message: unknown): void => {
    if (!isStatusRequest(message)) return;
    const response: StatusResponse = {
      type: STATUS_RESPONSE,
      id: message.id,
      notReady: this.status.notReadyReason(),
      status: this.status.describe(),
    };
    process.send?.(response);
  };
}
