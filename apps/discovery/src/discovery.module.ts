import { DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ConfigPlane, RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { loadDiscoveryConfig } from './config/discovery-config';
import { DiscoveryRunner } from './runner/discovery-runner';
import { DiscoveryRunnerModule } from './runner/discovery-runner.module';
import { discoveryHealth } from './status/discovery-health';
import { DiscoveryMetrics } from './status/discovery-metrics';
import { DiscoveryStatusController } from './status/discovery-status.controller';

/**
 * Watches service registries (Consul, Kubernetes) and turns what they report into target events on the config
 * log, from one process of the cluster at a time (a lease in Cassandra, or in memory in standalone mode).
 */
@Module({})
export class DiscoveryModule {
  static forRoot(settings: Settings, plane?: ConfigPlane): DynamicModule {
    // Read (and checked) at start-up: a bad discovery config stops the process with a message naming the field.
    const config = loadDiscoveryConfig(process.env);
    const runner = DiscoveryRunnerModule.forRoot(settings, config);
    const health = backendHealthModule({
      imports: [runner],
      inject: [HealthIndicatorService, DiscoveryRunner],
      checks: (indicators: HealthIndicatorService, discovery: DiscoveryRunner) => [
        () => {
          const { up, details } = discoveryHealth(discovery.state());
          const session = indicators.check('discovery');
          return up ? session.up(details) : session.down(details);
        },
      ],
    });
    return {
      module: DiscoveryModule,
      imports: [RuntimeModule.forRoot(settings, { plane }), runner, health],
      controllers: [DiscoveryStatusController],
      providers: [
        {
          provide: DiscoveryMetrics,
          inject: [DiscoveryRunner],
          useFactory: (r: DiscoveryRunner) => new DiscoveryMetrics(r),
        },
      ],
    };
  }
}
