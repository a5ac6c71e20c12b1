import { describe, expect, it } from '@jest/globals';
import { pluginConfig } from '../testing/plugin-harness';
import { openTelemetry } from './handler';
import { extract, headersFor, injectFormats, propagationOf, type OutgoingContext } from './propagation';
import type { OpenTelemetryConfig } from './schema';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const SPAN = 'a2fb4a1d1a96d312';
const ALL = ['w3c', 'b3', 'jaeger', 'ot'] as const;

const out: OutgoingContext = {
  traceId: TRACE,
  spanId: SPAN,
  parentSpanId: '0020000000000001',
  sampled: true,
  debug: false,
};

describe('trace context extraction', () => {
  it('reads b3 multi and single headers, padding 64-bit trace ids', () => {
    expect(extract({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': '0' }, ALL)).toEqual({
      format: 'b3',
      context: { traceId: TRACE, spanId: SPAN, sampled: false, debug: false },
    });
    expect(extract({ b3: `48485a3953bb6124-${SPAN}-d` }, ALL)).toEqual({
      format: 'b3',
      context: {
        traceId: `0000000000000000${'48485a3953bb6124'}`,
        spanId: SPAN,
        sampled: true,
        debug: true,
        singleHeader: true,
      },
    });
    expect(extract({ b3: '0' }, ALL)?.context).toMatchObject({ traceId: null, sampled: false });
  });

  it('reads jaeger and ot headers', () => {
    expect(extract({ 'uber-trace-id': `${TRACE}:${SPAN}:0:1` }, ALL)).toEqual({
      format: 'jaeger',
      context: { traceId: TRACE, spanId: SPAN, sampled: true },
    });
    expect(extract({ 'ot-tracer-traceid': TRACE, 'ot-tracer-spanid': SPAN, 'ot-tracer-sampled': '0' }, ALL)).toEqual({
      format: 'ot',
      context: { traceId: TRACE, spanId: SPAN, sampled: false },
    });
  });

  it('takes the first format found, in the configured order, and ignores invalid ids', () => {
    const both = { traceparent: `00-${TRACE}-${SPAN}-01`, 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN };
    expect(extract(both, ['b3', 'w3c'])?.format).toBe('b3');
    expect(extract(both, ['w3c', 'b3'])?.format).toBe('w3c');
    expect(extract({ traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }, ['w3c'])).toBeNull();
    expect(extract({ traceparent: `00-${TRACE}-${SPAN}-1` }, ['w3c'])).toBeNull();
    expect(extract({ traceparent: `00-${TRACE}-${SPAN}-01` }, null)).toBeNull();
  });
});

describe('trace context injection', () => {
  it('writes each format', () => {
    expect(headersFor('w3c', out)).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
    expect(headersFor('b3', out)).toEqual({
      'x-b3-traceid': TRACE,
      'x-b3-spanid': SPAN,
      'x-b3-parentspanid': '0020000000000001',
      'x-b3-sampled': '1',
    });
    expect(headersFor('b3-single', { ...out, debug: true })).toEqual({ b3: `${TRACE}-${SPAN}-d-0020000000000001` });
    expect(headersFor('jaeger', { ...out, sampled: false })).toEqual({
      'uber-trace-id': `${TRACE}:${SPAN}:0020000000000001:00`,
    });
    expect(headersFor('ot', out)).toEqual({
      'ot-tracer-traceid': TRACE,
      'ot-tracer-spanid': SPAN,
      'ot-tracer-sampled': '1',
    });
    expect(headersFor('datadog', out)).toBeNull();
  });

  it("translates the legacy header_type as Kong does, and resolves 'preserve'", () => {
    const config = (c: object): OpenTelemetryConfig =>
      pluginConfig<OpenTelemetryConfig>(openTelemetry, { traces_endpoint: 'http://o.test', ...c });
    const preserve = propagationOf(config({}));
    expect(preserve.inject).toEqual(['preserve']);
    expect(injectFormats(preserve, null, false)).toEqual(['w3c']);
    expect(injectFormats(preserve, 'b3', true)).toEqual(['b3-single']);
    expect(propagationOf(config({ header_type: 'ignore' })).inject).toEqual(['w3c']);
    expect(injectFormats(propagationOf(config({ header_type: 'jaeger' })), 'w3c', false)).toEqual(['w3c', 'jaeger']);
    const explicit = propagationOf(
      config({ header_type: 'jaeger', propagation: { inject: ['ot'], default_format: 'b3' } }),
    );
    expect(explicit.inject).toEqual(['ot']);
    expect(explicit.extract).toBeNull();
  });
});
