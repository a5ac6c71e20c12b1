import type { RecordField } from '@gantry/config';
import type { BatchQueueOptions } from './batch-queue';

/** Kong's `queue` record (kong/tools/queue_schema.lua), as plugins that send batches declare it. */
export interface QueueConfig {
  readonly max_batch_size: number;
  readonly max_coalescing_delay: number;
  readonly max_entries: number;
  readonly max_bytes: number | null;
  readonly max_retry_time: number;
  readonly initial_retry_delay: number;
  readonly max_retry_delay: number;
  readonly concurrency_limit: 1 | -1;
}

/**
 * Kong's `typedefs.queue`, with Kong's defaults; `defaults` overrides some of them the way a plugin's
 * `typedefs.queue { default = {...} }` does (opentelemetry batches 200 spans).
 */
export function queueField(defaults: Partial<QueueConfig> = {}): RecordField {
  return {
    type: 'record',
    default: defaults,
    fields: [
      ['max_batch_size', { type: 'integer', default: 1, between: [1, 1_000_000] }],
      ['max_coalescing_delay', { type: 'number', default: 1, between: [0, 3600] }],
      ['max_entries', { type: 'integer', default: 10_000, between: [1, 1_000_000] }],
      ['max_bytes', { type: 'integer' }],
      ['max_retry_time', { type: 'number', default: 60 }],
      ['initial_retry_delay', { type: 'number', default: 0.01, between: [0.001, 1_000_000] }],
      ['max_retry_delay', { type: 'number', default: 60, between: [0.001, 1_000_000] }],
      ['concurrency_limit', { type: 'integer', default: 1, one_of: [-1, 1] }],
    ],
  };
}

/** Legacy batching fields some plugins still accept, mapped into the queue as Kong's `Queue.get_plugin_params` does. */
export interface LegacyQueueFields {
  /** http-log's `queue_size` (old default 1) or opentelemetry's `batch_span_count` (old default 200). */
  readonly batchSize?: { value: number | null; oldDefault: number };
  /** http-log's `flush_timeout` (old default 2) or opentelemetry's `batch_flush_delay` (old default 3), seconds. */
  readonly delaySeconds?: { value: number | null; oldDefault: number };
}

/** The batch queue options of a plugin's `queue` record (seconds become milliseconds). */
export function batchQueueOptions(queue: QueueConfig, legacy: LegacyQueueFields = {}): BatchQueueOptions {
  let batchSize = queue.max_batch_size;
  let delaySeconds = queue.max_coalescing_delay;
  const size = legacy.batchSize;
  if (size !== undefined && size.value !== null && size.value !== size.oldDefault) batchSize = size.value;
  const delay = legacy.delaySeconds;
  if (delay !== undefined && delay.value !== null && delay.value !== delay.oldDefault) delaySeconds = delay.value;
  return {
    maxBatchSize: Math.max(1, batchSize),
    maxCoalescingDelayMs: delaySeconds * 1000,
    maxEntries: queue.max_entries,
    maxBytes: queue.max_bytes,
    maxRetryTimeMs: queue.max_retry_time * 1000,
    initialRetryDelayMs: queue.initial_retry_delay * 1000,
    maxRetryDelayMs: queue.max_retry_delay * 1000,
    unlimitedConcurrency: queue.concurrency_limit === -1,
  };
}
