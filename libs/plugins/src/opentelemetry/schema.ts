import { typedefs, type PluginSchema } from '@gantry/config';
import { urlField } from '../shared/kong-url';
import { queueField, type QueueConfig } from '../shared/queue-schema';
import { protocolsHttp } from '../shared/schema-parts';

/** Tracing header formats (Kong's `propagation.utils.FORMATS`), in Kong's order. */
export const FORMATS = ['w3c', 'b3', 'b3-single', 'jaeger', 'ot', 'datadog', 'aws', 'gcp'] as const;
export type Format = (typeof FORMATS)[number];
/** b3 and b3-single share one extractor. */
const EXTRACTORS = FORMATS.filter((f) => f !== 'b3-single');

/** Kong's `propagation` record (3.7+). */
export interface PropagationConfig {
  readonly extract: readonly Exclude<Format, 'b3-single'>[] | null;
  readonly clear: readonly string[] | null;
  readonly inject: readonly (Format | 'preserve')[] | null;
  readonly default_format: Format;
}

/** opentelemetry's config, with Kong 3.x's fields and defaults. */
export interface OpenTelemetryConfig {
  readonly traces_endpoint: string | null;
  /** Accepted, not used: Gantry exports traces only. */
  readonly logs_endpoint: string | null;
  /** Kong's deprecated shorthand for `traces_endpoint`. */
  readonly endpoint: string | null;
  readonly headers: Readonly<Record<string, string>> | null;
  readonly resource_attributes: Readonly<Record<string, string>> | null;
  readonly queue: QueueConfig;
  /** Deprecated: `queue.max_batch_size` when set to something other than 200. */
  readonly batch_span_count: number | null;
  /** Deprecated: `queue.max_coalescing_delay` when set to something other than 3. */
  readonly batch_flush_delay: number | null;
  /** Milliseconds. */
  readonly connect_timeout: number;
  readonly send_timeout: number;
  readonly read_timeout: number;
  readonly http_response_header_for_traceid: string | null;
  /** Deprecated in favour of `propagation`. */
  readonly header_type: 'preserve' | 'ignore' | Format;
  readonly sampling_rate: number | null;
  readonly propagation: PropagationConfig;
}

/** Kong's `typedefs.timeout`. */
const timeout = (fallback: number) => ({ type: 'integer', default: fallback, between: [0, 2 ** 31 - 2] }) as const;

export const openTelemetrySchema: PluginSchema = {
  fields: [
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['traces_endpoint', urlField],
          ['logs_endpoint', urlField],
          ['endpoint', urlField],
          ['headers', { type: 'map', keys: typedefs.headerName, values: { type: 'string' } }],
          [
            'resource_attributes',
            { type: 'map', keys: { type: 'string', required: true }, values: { type: 'string', required: true } },
          ],
          ['queue', queueField({ max_batch_size: 200 })],
          ['batch_span_count', { type: 'integer' }],
          ['batch_flush_delay', { type: 'integer' }],
          ['connect_timeout', timeout(1000)],
          ['send_timeout', timeout(5000)],
          ['read_timeout', timeout(5000)],
          ['http_response_header_for_traceid', { type: 'string' }],
          [
            'header_type',
            {
              type: 'string',
              default: 'preserve',
              one_of: ['preserve', 'ignore', 'b3', 'b3-single', 'w3c', 'jaeger', 'ot', 'aws', 'gcp', 'datadog'],
            },
          ],
          ['sampling_rate', { type: 'number', between: [0, 1] }],
          [
            'propagation',
            {
              type: 'record',
              default: { default_format: 'w3c' },
              fields: [
                ['extract', { type: 'array', elements: { type: 'string', one_of: EXTRACTORS } }],
                ['clear', { type: 'array', elements: typedefs.headerName }],
                ['inject', { type: 'array', elements: { type: 'string', one_of: ['preserve', ...FORMATS] } }],
                ['default_format', { type: 'string', one_of: FORMATS, required: true }],
              ],
            },
          ],
        ],
        entity_checks: [
          {
            // Kong checks traces_endpoint and logs_endpoint after expanding the `endpoint` shorthand; here the
            // shorthand is a field of its own and counts as traces_endpoint.
            custom_entity_check: {
              field_sources: ['traces_endpoint', 'logs_endpoint', 'endpoint'],
              fn: (config) =>
                isSet(config.traces_endpoint) || isSet(config.logs_endpoint) || isSet(config.endpoint)
                  ? undefined
                  : "at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'",
            },
          },
        ],
      },
    ],
  ],
};

function isSet(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
