import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Entity, JsonObject } from '@gantry/config';
import { OtlpReceiver } from '../../../../test/support/otlp-receiver';
import type { PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import {
  checkPluginConfig,
  createHandler,
  runAccess,
  runResponse,
  testEnvironment,
  testRequest,
} from '../testing/plugin-harness';
import { openTelemetry } from './handler';

const definition = openTelemetry;

const service = { id: 's-1', name: 'svc', host: 'upstream.test', port: 8080, protocol: 'http' } as unknown as Entity;
const route = { id: 'r-1', name: 'orders', paths: ['/orders'] } as unknown as Entity;

function request(headers: Record<string, string> = {}): PluginRequest {
  const kong = testRequest({ method: 'POST', url: '/orders?id=7', headers, route, service, clientIp: '10.1.2.3' });
  kong.raw.httpVersion = '1.1';
  return kong;
}

function finish(kong: PluginRequest, status = 201, source: 'upstream' | 'exit' = 'upstream'): void {
  kong.response = {
    status,
    headers: {},
    size: 10,
    requestSize: 10,
    upstreamLatencyMs: source === 'upstream' ? 20 : null,
    proxyLatencyMs: 2,
    requestLatencyMs: 25,
    source,
  };
}

/** traceparent → [trace id, span id, flags]. */
function parts(traceparent: unknown): string[] {
  expect(typeof traceparent).toBe('string');
  const [version, ...rest] = String(traceparent).split('-');
  expect(version).toBe('00');
  return rest;
}

describe('opentelemetry config', () => {
  it("fills Kong's defaults", () => {
    const check = checkPluginConfig(definition, { traces_endpoint: 'http://otel.test:4318/v1/traces' });
    expect(check).toMatchObject({
      ok: true,
      config: {
        traces_endpoint: 'http://otel.test:4318/v1/traces',
        logs_endpoint: null,
        headers: null,
        resource_attributes: null,
        queue: { max_batch_size: 200, max_coalescing_delay: 1, max_entries: 10000 },
        batch_span_count: null,
        batch_flush_delay: null,
        connect_timeout: 1000,
        send_timeout: 5000,
        read_timeout: 5000,
        http_response_header_for_traceid: null,
        header_type: 'preserve',
        sampling_rate: null,
        propagation: { extract: null, clear: null, inject: null, default_format: 'w3c' },
      },
      entity: { protocols: ['grpc', 'grpcs', 'http', 'https'] },
    });
  });

  it('rejects configs as Kong does, naming the field', () => {
    const errors = (config: JsonObject, entity: JsonObject = {}): unknown => {
      const check = checkPluginConfig(definition, config, entity);
      return check.ok ? undefined : check.errors;
    };
    expect(errors({})).toEqual({
      config: { '@entity': ["at least one of these fields must be non-empty: 'traces_endpoint', 'logs_endpoint'"] },
    });
    expect(errors({ traces_endpoint: 'otel.test/v1/traces' })).toEqual({
      config: { traces_endpoint: 'missing host in url' },
    });
    expect(errors({ traces_endpoint: 'http://o.test', sampling_rate: 2 })).toEqual({
      config: { sampling_rate: 'value should be between 0 and 1' },
    });
    expect(errors({ traces_endpoint: 'http://o.test', header_type: 'zipkin' })).toEqual({
      config: { header_type: 'expected one of: preserve, ignore, b3, b3-single, w3c, jaeger, ot, aws, gcp, datadog' },
    });
    expect(errors({ traces_endpoint: 'http://o.test', propagation: { default_format: 'zipkin' } })).toEqual({
      config: { propagation: { default_format: 'expected one of: w3c, b3, b3-single, jaeger, ot, datadog, aws, gcp' } },
    });
    expect(errors({ traces_endpoint: 'http://o.test', headers: { 'bad header': 'x' } })).toEqual({
      config: { headers: "bad header name 'bad header', allowed characters are A-Z, a-z, 0-9, '_', and '-'" },
    });
    expect(errors({ traces_endpoint: 'http://o.test' }, { protocols: ['tcp'] })).toMatchObject({
      protocols: expect.anything(),
    });
  });

  it('accepts the legacy endpoint in place of traces_endpoint', () => {
    expect(checkPluginConfig(definition, { endpoint: 'http://otel.test:4318/v1/traces' }).ok).toBe(true);
  });
});

describe('opentelemetry', () => {
  let receiver: OtlpReceiver;
  let url: string;
  let handler: PluginHandler | undefined;

  beforeEach(async () => {
    receiver = new OtlpReceiver();
    url = await receiver.start();
  });

  afterEach(async () => {
    await handler?.close?.();
    handler = undefined;
    await receiver.stop();
  });

  function make(config: JsonObject = {}): PluginHandler {
    handler = createHandler(
      definition,
      { traces_endpoint: url, resource_attributes: { 'deployment.environment': 'test' }, ...config },
      testEnvironment({ nodeId: 'node-1' }),
    );
    return handler;
  }

  /** Closing flushes the instance's spans to the receiver. */
  async function flushed(h: PluginHandler): Promise<void> {
    await h.close!();
    handler = undefined;
  }

  it('exports a kong server span with Kong attributes, in the trace the upstream sees', async () => {
    const h = make({ http_response_header_for_traceid: 'X-Trace-Id', headers: { 'X-Api-Key': 'k' } });
    const kong = await runAccess(h, request());
    const [traceId, upstreamParent, flags] = parts(kong.headers.traceparent);
    expect(flags).toBe('01');
    const { view } = runResponse(h, kong, 201);
    expect(view.headers['x-trace-id']).toBe(traceId);
    finish(kong);
    h.log!(kong);
    await flushed(h);

    await receiver.waitForSpans(2, 5000);
    const [root] = receiver.named('kong');
    const [balancer] = receiver.named('kong.balancer');
    expect(root).toMatchObject({ traceId, parentSpanId: null, kind: 2, scope: 'kong-internal' });
    expect(root.attributes).toEqual({
      'http.method': 'POST',
      'http.url': 'http://example.com/orders?id=7',
      'http.host': 'example.com',
      'http.scheme': 'http',
      'http.flavor': '1.1',
      'http.client_ip': '10.1.2.3',
      'net.peer.ip': '10.1.2.3',
      'kong.request.id': 'test-request-id',
      'http.status_code': 201,
      'http.route': '/orders',
    });
    expect(root.resource).toMatchObject({
      'service.name': 'kong',
      'service.instance.id': 'node-1',
      'deployment.environment': 'test',
    });
    expect(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano)).toBe(25_000_000n);
    expect(balancer).toMatchObject({ traceId, spanId: upstreamParent, parentSpanId: root.spanId, kind: 3 });
    expect(balancer.attributes).toMatchObject({
      'net.peer.name': 'upstream.test',
      'net.peer.port': 8080,
      'http.url': 'http://upstream.test/orders?id=7',
    });
    expect(receiver.requests[0]['x-api-key']).toBe('k');
  });

  it("continues the caller's W3C trace: its span becomes the parent", async () => {
    const h = make();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const kong = await runAccess(
      h,
      request({ traceparent: `00-${callerTrace}-${callerSpan}-01`, tracestate: 'vendor=1' }),
    );
    const [traceId, upstreamParent] = parts(kong.headers.traceparent);
    expect(traceId).toBe(callerTrace);
    expect(upstreamParent).not.toBe(callerSpan);
    expect(kong.headers.tracestate).toBe('vendor=1');
    finish(kong);
    h.log!(kong);
    await flushed(h);

    await receiver.waitForSpans(2, 5000);
    const [root] = receiver.named('kong');
    expect(root.traceId).toBe(callerTrace);
    expect(root.parentSpanId).toBe(callerSpan);
  });

  it("follows the caller's decision not to sample, still propagating", async () => {
    const h = make();
    const kong = await runAccess(
      h,
      request({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' }),
    );
    const [traceId, , flags] = parts(kong.headers.traceparent);
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(flags).toBe('00');
    finish(kong);
    h.log!(kong);
    await flushed(h);
    expect(receiver.spans).toHaveLength(0);
  });

  it('samples nothing with sampling_rate 0', async () => {
    const h = make({ sampling_rate: 0 });
    const kong = await runAccess(h, request());
    expect(parts(kong.headers.traceparent)[2]).toBe('00');
    finish(kong);
    h.log!(kong);
    await flushed(h);
    expect(receiver.spans).toHaveLength(0);
  });

  it('ignores a malformed traceparent and starts a new trace', async () => {
    const h = make();
    const kong = await runAccess(
      h,
      request({ traceparent: '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
    );
    const [traceId] = parts(kong.headers.traceparent);
    expect(traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('preserves the b3 format the caller used', async () => {
    const h = make();
    const kong = await runAccess(
      h,
      request({
        'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124',
        'x-b3-spanid': 'a2fb4a1d1a96d312',
        'x-b3-sampled': '1',
      }),
    );
    expect(kong.headers['x-b3-traceid']).toBe('463ac35c9f6413ad48485a3953bb6124');
    expect(kong.headers['x-b3-spanid']).not.toBe('a2fb4a1d1a96d312');
    expect(kong.headers['x-b3-sampled']).toBe('1');
    expect(kong.headers.traceparent).toBeUndefined();
  });

  it('injects the configured formats and clears the configured headers', async () => {
    const h = make({
      propagation: { extract: ['w3c'], inject: ['w3c', 'jaeger'], clear: ['x-legacy-trace'], default_format: 'w3c' },
    });
    const kong = await runAccess(h, request({ 'x-legacy-trace': 'abc' }));
    const [traceId, spanId] = parts(kong.headers.traceparent);
    expect(String(kong.headers['uber-trace-id'])).toMatch(new RegExp(`^${traceId}:${spanId}:[0-9a-f]{16}:01$`));
    expect(kong.headers['x-legacy-trace']).toBeUndefined();
  });

  it('traces requests answered before its access phase (an auth 401)', async () => {
    const h = make();
    const kong = request();
    finish(kong, 401, 'exit');
    h.log!(kong);
    await flushed(h);
    await receiver.waitForSpans(1, 5000);
    expect(receiver.spans).toHaveLength(1);
    expect(receiver.spans[0]).toMatchObject({ name: 'kong', attributes: { 'http.status_code': 401 } });
  });
});
