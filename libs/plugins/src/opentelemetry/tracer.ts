import type { Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Logger } from '@gantry/logging';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchQueue } from '../shared/batch-queue';
import { HttpPoster } from '../shared/http-poster';
import { batchQueueOptions } from '../shared/queue-schema';
import { KongSampler } from './sampling';
import { QueueSpanProcessor } from './span-queue';
import type { OpenTelemetryConfig } from './schema';

/** Kong's instrumentation scope (kong/observability/otlp). */
const SCOPE = { name: 'kong-internal', version: '0.1.0' };

/** One plugin instance's tracing pipeline. */
export interface InstanceTracer {
  readonly tracer: Tracer;
  readonly sampler: KongSampler;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * A tracer provider for one plugin instance: sampled spans are queued (the `queue` settings, retries
 * included) and exported as OTLP/HTTP JSON to `traces_endpoint`. Without an endpoint, spans are made (for
 * propagation) and dropped.
 */
export function createInstanceTracer(
  config: OpenTelemetryConfig,
  env: { readonly nodeId: string; readonly logger: Logger },
  name: string,
  closeWaitMs: number,
): InstanceTracer {
  const url = endpointOf(config, env.logger);
  const spanProcessors: SpanProcessor[] = [];
  let poster: HttpPoster | null = null;
  if (url !== null) {
    const sender = new HttpPoster(url, {
      method: 'POST',
      headers: { ...lowerCased(config.headers ?? {}), 'content-type': 'application/json' },
      connectTimeoutMs: config.connect_timeout,
      timeoutMs: Math.max(config.send_timeout, config.read_timeout),
      keepAliveMs: 60_000,
      verifyTls: true,
    });
    poster = sender;
    const queue = new BatchQueue<ReadableSpan>(
      name,
      batchQueueOptions(config.queue, {
        batchSize: { value: config.batch_span_count, oldDefault: 200 },
        delaySeconds: { value: config.batch_flush_delay, oldDefault: 3 },
      }),
      (spans) => sender.post(JsonTraceSerializer.serializeRequest([...spans]) ?? new Uint8Array()),
      env.logger,
    );
    spanProcessors.push(new QueueSpanProcessor(queue, closeWaitMs));
  }
  const sampler = new KongSampler(config.sampling_rate ?? 1);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'kong',
      'service.instance.id': env.nodeId,
      ...(config.resource_attributes ?? {}),
    }),
    sampler,
    spanProcessors,
  });
  return {
    tracer: provider.getTracer(SCOPE.name, SCOPE.version),
    sampler,
    shutdown: async () => {
      await provider.shutdown();
      poster?.close();
    },
  };
}

/** The traces endpoint, or null when there is none (or it cannot be used: tracing must not fail requests). */
function endpointOf(config: OpenTelemetryConfig, logger: Logger): URL | null {
  const endpoint = config.traces_endpoint ?? config.endpoint;
  if (endpoint === null) return null;
  try {
    const url = new URL(endpoint);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  logger.error(
    { plugin: 'opentelemetry', endpoint },
    'traces_endpoint must be an http or https URL; spans are dropped',
  );
  return null;
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
