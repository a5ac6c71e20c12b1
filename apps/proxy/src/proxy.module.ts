import { DynamicModule, Module } from '@nestjs/common';
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { ConfigPlane, RuntimeModule, backendHealthModule } from '@gantry/runtime';
import type { Settings } from '@gantry/settings';
import { GatewayLifecycle } from './gateway/gateway.lifecycle';
import { DataPlaneReporter } from './status/data-plane-reporter';
import { ProxyMetrics } from './status/proxy-metrics';
import { ProxyStatus } from './status/proxy-status';
import { MetricsController, StatusController } from './status/status.controller';

/**
 * A data-plane replica. Nest serves the status port (`/health`, `/status`, `/status/ready`, `/metrics`) and
 * manages the gateway's lifecycle; the gateway ports are bare HTTP servers fed by the data plane.
 */
@Module({})
export class ProxyModule {
  static forRoot(settings: Settings, plane?: ConfigPlane): DynamicModule {
    return {
      module: ProxyModule,
      imports: [RuntimeModule.forRoot(settings, { plane }), backendHealthModule()],
      controllers: [StatusController, MetricsController],
      providers: [
        {
          provide: ProxyMetrics,
          useFactory: () => {
            const metrics = new ProxyMetrics();
            if (cluster.isWorker) {
              // A worker's metrics are summed by the primary's status port. Constructing an aggregator is what
              // makes prom-client answer the primary's requests in a worker.
              new AggregatorRegistry();
              AggregatorRegistry.setRegistries([metrics.registry]);
            }
            return metrics;
          },
        },
        GatewayLifecycle,
        ProxyStatus,
        DataPlaneReporter,
      ],
      exports: [GatewayLifecycle, ProxyStatus],
    };
  }
}
