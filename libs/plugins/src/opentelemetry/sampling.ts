import { createContextKey, ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import {
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

/** Carries a sampling decision the caller made without giving ids (b3's `b3: 1`). */
export const FORCED_SAMPLING = createContextKey('gantry.opentelemetry.sampled');

/**
 * Kong's sampling rule: the caller's decision when it made one (its sampled flag), else `rate` of the traces
 * by trace id.
 */
export class KongSampler implements Sampler {
  private readonly ratio: TraceIdRatioBasedSampler;

  constructor(private readonly rate: number) {
    this.ratio = new TraceIdRatioBasedSampler(rate);
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const forced = context.getValue(FORCED_SAMPLING);
    if (typeof forced === 'boolean') return decision(forced);
    const parent = trace.getSpanContext(context);
    if (parent !== undefined) return decision(isSampled(parent.traceFlags));
    return this.ratio.shouldSample(context, traceId);
  }

  /** The ratio decision for a trace id, for a caller that gave ids but no decision. */
  sampledByRate(traceId: string): boolean {
    return this.ratio.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
  }

  toString(): string {
    return `KongSampler{${this.rate}}`;
  }
}

/** The W3C sampled bit of trace flags. */
export function isSampled(traceFlags: number): boolean {
  return (traceFlags & Number(TraceFlags.SAMPLED)) !== 0;
}

function decision(sampled: boolean): SamplingResult {
  return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
}
