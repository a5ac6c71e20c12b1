import type { PluginDefinition, PluginEnvironment, PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { KongMetrics, type RecordFlags } from './kong-metrics';
import { prometheusSchema, type PrometheusConfig } from './schema';

function createHandler(config: PrometheusConfig, env: PluginEnvironment): PluginHandler {
  const metrics = KongMetrics.of(env.metrics);
  const release = metrics.retain(env.gateway, env.nodeId, config.upstream_health_metrics);
  const flags: RecordFlags = {
    perConsumer: config.per_consumer,
    statusCodes: config.status_code_metrics,
    latencies: config.latency_metrics,
    bandwidth: config.bandwidth_metrics,
  };
  const records = flags.statusCodes || flags.latencies || flags.bandwidth;
  return {
    log(kong: PluginRequest): void {
      if (records) metrics.record(kong, flags);
    },
    close(): void {
      release();
    },
  };
}

/**
 * Kong's metrics (requests by status, latencies, bandwidth, upstream target health, config hash) in the
 * replica's metrics registry, scraped on its status port's `/metrics`.
 */
export const prometheus: PluginDefinition<PrometheusConfig> = {
  name: 'prometheus',
  priority: 13,
  version: '3.9.0',
  schema: prometheusSchema,
  create: createHandler,
};
