import { Controller, Get, Header, Inject } from '@nestjs/common';
import { DiscoveryRunner, type DiscoveryState } from '../runner/discovery-runner';
import { DiscoveryMetrics } from './discovery-metrics';

/** The discovery app's status port: each source's sync state, and Prometheus metrics. */
@Controller()
export class DiscoveryStatusController {
  constructor(
    @Inject(DiscoveryRunner) private readonly runner: DiscoveryRunner,
    @Inject(DiscoveryMetrics) private readonly metrics: DiscoveryMetrics,
  ) {}

  @Get('discovery/status')
  status(): DiscoveryState {
    return this.runner.state();
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
