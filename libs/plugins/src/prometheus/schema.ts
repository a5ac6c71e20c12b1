import type { PluginSchema } from '@gantry/config';

/** prometheus's config, with Kong 3.x's flags (all off by default: they add label cardinality). */
export interface PrometheusConfig {
  /** Fill the `consumer` label of `kong_http_requests_total` and `kong_bandwidth_bytes`. */
  readonly per_consumer: boolean;
  readonly status_code_metrics: boolean;
  /** Accepted for Kong configs; Gantry has no AI proxy plugins, so there is nothing to count. */
  readonly ai_metrics: boolean;
  readonly latency_metrics: boolean;
  readonly bandwidth_metrics: boolean;
  readonly upstream_health_metrics: boolean;
}

export const prometheusSchema: PluginSchema = {
  fields: [
    [
      'config',
      {
        type: 'record',
        fields: [
          ['per_consumer', { type: 'boolean', default: false }],
          ['status_code_metrics', { type: 'boolean', default: false }],
          ['ai_metrics', { type: 'boolean', default: false }],
          ['latency_metrics', { type: 'boolean', default: false }],
          ['bandwidth_metrics', { type: 'boolean', default: false }],
          ['upstream_health_metrics', { type: 'boolean', default: false }],
        ],
      },
    ],
  ],
};
