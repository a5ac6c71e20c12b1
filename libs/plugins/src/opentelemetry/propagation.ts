import type { IncomingHttpHeaders } from 'node:http';
import type { Format, OpenTelemetryConfig, PropagationConfig } from './schema';

/** A trace context read from a request's tracing headers. Ids are lower-case hex, padded to 32 and 16 digits. */
export interface ExtractedContext {
  /** Absent when the headers only carried a sampling decision (b3's `b3: 1`). */
  readonly traceId: string | null;
  /** The caller's span: the parent of ours. */
  readonly spanId: string | null;
  /** The caller's sampling decision; null when it made none. */
  readonly sampled: boolean | null;
  /** b3 came as the single `b3` header (so `preserve` answers with b3-single). */
  readonly singleHeader?: boolean;
  readonly debug?: boolean;
}

/** What is injected into the upstream request. */
export interface OutgoingContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly sampled: boolean;
  readonly debug: boolean;
}

/** The formats Gantry reads and writes; the others are accepted in config and skipped (with a warning). */
export const SUPPORTED_FORMATS: ReadonlySet<Format> = new Set(['w3c', 'b3', 'b3-single', 'jaeger', 'ot']);

/** Extraction order of Kong's legacy `header_type` handling. */
const LEGACY_EXTRACT: PropagationConfig['extract'] = ['b3', 'w3c', 'jaeger', 'ot', 'datadog', 'aws', 'gcp'];

/** The propagation settings in effect: the `propagation` record, or the legacy `header_type` translated (Kong's rules). */
export function propagationOf(config: OpenTelemetryConfig): PropagationConfig {
  const p = config.propagation;
  const explicit = (p.extract?.length ?? 0) > 0 || (p.clear?.length ?? 0) > 0 || (p.inject?.length ?? 0) > 0;
  if (explicit) return p;
  switch (config.header_type) {
    case 'preserve':
      return { ...p, extract: LEGACY_EXTRACT, inject: ['preserve'] };
    case 'ignore':
      return { ...p, inject: [p.default_format] };
    default:
      return { ...p, extract: LEGACY_EXTRACT, inject: ['preserve', config.header_type] };
  }
}

const HEX = /^[0-9a-fA-F]+$/;
const ZEROS = /^0+$/;

function pad(id: string, digits: number): string {
  const lower = id.toLowerCase();
  return lower.length >= digits ? lower.slice(-digits) : lower.padStart(digits, '0');
}

/** A hex id of 1 to `max` digits that is not all zeros, padded; null otherwise. */
function idOf(value: string | undefined, max: number, exact?: readonly number[]): string | null {
  if (value === undefined || !HEX.test(value) || ZEROS.test(value) || value.length > max) return null;
  if (exact !== undefined && !exact.includes(value.length)) return null;
  return pad(value, max);
}

function first(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function w3c(headers: IncomingHttpHeaders): ExtractedContext | null {
  const parts = /^([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)$/.exec(
    first(headers, 'traceparent') ?? '',
  );
  if (parts === null || parts[1] !== '00') return null;
  const traceId = idOf(parts[2], 32, [32]);
  const spanId = idOf(parts[3], 16, [16]);
  if (traceId === null || spanId === null || parts[4].length !== 2) return null;
  return { traceId, spanId, sampled: (parseInt(parts[4], 16) & 1) === 1 };
}

function b3Sampled(value: string | undefined): { sampled: boolean | null; debug: boolean } {
  if (value === '1' || value === 'true') return { sampled: true, debug: false };
  if (value === '0' || value === 'false') return { sampled: false, debug: false };
  if (value === 'd') return { sampled: true, debug: true };
  return { sampled: null, debug: false };
}

function b3(headers: IncomingHttpHeaders): ExtractedContext | null {
  const single = first(headers, 'b3');
  if (single !== undefined) {
    const parts = single.split('-');
    if (parts.length === 1) {
      const { sampled, debug } = b3Sampled(parts[0]);
      return sampled === null ? null : { traceId: null, spanId: null, sampled, debug, singleHeader: true };
    }
    const traceId = idOf(parts[0], 32, [16, 32]);
    const spanId = idOf(parts[1], 16, [16]);
    if (traceId === null || spanId === null) return null;
    const { sampled, debug } = b3Sampled(parts[2]);
    return { traceId, spanId, sampled, debug, singleHeader: true };
  }
  const flags = first(headers, 'x-b3-flags');
  const { sampled, debug } = flags === '1' ? { sampled: true, debug: true } : b3Sampled(first(headers, 'x-b3-sampled'));
  const rawTrace = first(headers, 'x-b3-traceid');
  if (rawTrace === undefined) return sampled === null ? null : { traceId: null, spanId: null, sampled, debug };
  const traceId = idOf(rawTrace, 32, [16, 32]);
  const spanId = idOf(first(headers, 'x-b3-spanid'), 16, [16]);
  if (traceId === null || spanId === null) return null;
  return { traceId, spanId, sampled, debug };
}

function jaeger(headers: IncomingHttpHeaders): ExtractedContext | null {
  const parts = (first(headers, 'uber-trace-id') ?? '').split(':');
  if (parts.length !== 4) return null;
  const traceId = idOf(parts[0], 32);
  const spanId = idOf(parts[1], 16);
  if (traceId === null || spanId === null || !HEX.test(parts[3])) return null;
  return { traceId, spanId, sampled: (parseInt(parts[3], 16) & 1) === 1 };
}

function ot(headers: IncomingHttpHeaders): ExtractedContext | null {
  const traceId = idOf(first(headers, 'ot-tracer-traceid'), 32, [16, 32]);
  const spanId = idOf(first(headers, 'ot-tracer-spanid'), 16, [16]);
  if (traceId === null || spanId === null) return null;
  const sampled = first(headers, 'ot-tracer-sampled');
  return { traceId, spanId, sampled: sampled === '1' ? true : sampled === '0' ? false : null };
}

const EXTRACT: Partial<Record<Format, (headers: IncomingHttpHeaders) => ExtractedContext | null>> = {
  w3c,
  b3,
  jaeger,
  ot,
};

/** The first context found, trying `formats` in order (Kong: the first extractor that finds one wins). */
export function extract(
  headers: IncomingHttpHeaders,
  formats: readonly Format[] | null,
): { context: ExtractedContext; format: Format } | null {
  for (const format of formats ?? []) {
    const context = EXTRACT[format]?.(headers) ?? null;
    if (context !== null) return { context, format };
  }
  return null;
}

/** Header name → value, for one format. */
export function headersFor(format: Format, out: OutgoingContext): Record<string, string> | null {
  const flag = out.sampled ? '1' : '0';
  switch (format) {
    case 'w3c':
      return { traceparent: `00-${out.traceId}-${out.spanId}-${out.sampled ? '01' : '00'}` };
    case 'b3': {
      const headers: Record<string, string> = { 'x-b3-traceid': out.traceId, 'x-b3-spanid': out.spanId };
      if (out.parentSpanId !== null) headers['x-b3-parentspanid'] = out.parentSpanId;
      if (out.debug) headers['x-b3-flags'] = '1';
      else headers['x-b3-sampled'] = flag;
      return headers;
    }
    case 'b3-single': {
      const parent = out.parentSpanId === null ? '' : `-${out.parentSpanId}`;
      return { b3: `${out.traceId}-${out.spanId}-${out.debug ? 'd' : flag}${parent}` };
    }
    case 'jaeger':
      return {
        'uber-trace-id': `${out.traceId}:${out.spanId}:${out.parentSpanId ?? '0'}:${out.sampled ? '01' : '00'}`,
      };
    case 'ot':
      return { 'ot-tracer-traceid': out.traceId, 'ot-tracer-spanid': out.spanId, 'ot-tracer-sampled': flag };
    default:
      return null;
  }
}

/**
 * The formats to inject for a request: `preserve` becomes the format the context was extracted from (b3 sent
 * as one header stays one header), else `default_format`.
 */
export function injectFormats(
  propagation: PropagationConfig,
  extractedFrom: Format | null,
  singleHeader: boolean,
): Format[] {
  const formats: Format[] = [];
  for (const format of propagation.inject ?? []) {
    let resolved: Format = format === 'preserve' ? (extractedFrom ?? propagation.default_format) : format;
    if (format === 'preserve' && resolved === 'b3' && singleHeader) resolved = 'b3-single';
    if (!formats.includes(resolved)) formats.push(resolved);
  }
  return formats;
}
