import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { BatchQueue } from '../shared/batch-queue';
import { isSampled } from './sampling';

/**
 * Hands ended, sampled spans to a batch queue (Kong's queue semantics: batch size, coalescing delay, bound,
 * retries with backoff), whose sender exports them.
 */
export class QueueSpanProcessor implements SpanProcessor {
  constructor(
    private readonly queue: BatchQueue<ReadableSpan>,
    private readonly closeWaitMs: number,
  ) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (isSampled(span.spanContext().traceFlags)) this.queue.add(span);
  }

  forceFlush(): Promise<void> {
    return this.queue.whenIdle();
  }

  shutdown(): Promise<void> {
    return this.queue.close(this.closeWaitMs);
  }
}
