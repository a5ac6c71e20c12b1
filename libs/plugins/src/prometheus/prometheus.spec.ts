import { describe, expect, it } from '@jest/globals';
import type { Entity } from '@gantry/config';
import { Registry } from 'prom-client';
import type { PluginEnvironment } from '../runtime/plugin-definition';
import type { PluginRequest, ResponseFacts } from '../runtime/plugin-request';
import { checkPluginConfig, createHandler, testEnvironment, testRequest } from '../testing/plugin-harness';
import { prometheus } from './handler';
import { hashToNumber } from './kong-metrics';

const definition = prometheus;

const service = { id: 's-1', name: 'svc', host: 'upstream.test' } as unknown as Entity;
const route = { id: 'r-1', name: 'orders', paths: ['/orders'] } as unknown as Entity;
const consumer = { id: 'c-1', username: 'alice' } as unknown as Entity;

function finished(
  overrides: Partial<ResponseFacts> = {},
  scope: { route?: Entity | null; service?: Entity | null } = {},
): PluginRequest {
  const kong = testRequest({
    route: scope.route === undefined ? route : scope.route,
    service: scope.service === undefined ? service : scope.service,
  });
  kong.response = {
    status: 200,
    headers: {},
    size: 300,
    requestSize: 100,
    upstreamLatencyMs: 42.4,
    proxyLatencyMs: 3.2,
    requestLatencyMs: 47.6,
    source: 'upstream',
    ...overrides,
  };
  return kong;
}

function env(overrides: Partial<PluginEnvironment> = {}): PluginEnvironment {
  return testEnvironment({ metrics: new Registry(), ...overrides });
}

async function metric(registry: Registry, name: string): Promise<string> {
  return (await registry.getSingleMetricAsString(name)) ?? '';
}

describe('prometheus config', () => {
  it("has Kong's flags, all off", () => {
    expect(checkPluginConfig(definition, {})).toMatchObject({
      ok: true,
      config: {
        per_consumer: false,
        status_code_metrics: false,
        ai_metrics: false,
        latency_metrics: false,
        bandwidth_metrics: false,
        upstream_health_metrics: false,
      },
    });
  });

  it('rejects bad values naming the field', () => {
    expect(checkPluginConfig(definition, { per_consumer: 'yes' })).toEqual({
      ok: false,
      errors: { config: { per_consumer: 'expected a boolean' } },
    });
    expect(checkPluginConfig(definition, { shared_dict: 'x' })).toEqual({
      ok: false,
      errors: { config: { shared_dict: 'unknown field' } },
    });
  });
});

describe('prometheus', () => {
  it('counts requests by service, route, code, source and workspace', async () => {
    const e = env();
    const handler = createHandler(definition, { status_code_metrics: true }, e);
    handler.log!(finished());
    handler.log!(finished());
    handler.log!(finished({ status: 401, source: 'exit' }));
    const text = await metric(e.metrics, 'kong_http_requests_total');
    expect(text).toContain(
      'kong_http_requests_total{service="svc",route="orders",code="200",source="service",workspace="default",consumer=""} 2',
    );
    expect(text).toContain(
      'kong_http_requests_total{service="svc",route="orders",code="401",source="kong",workspace="default",consumer=""} 1',
    );
  });

  it('fills the consumer label with the username only with per_consumer', async () => {
    const e = env();
    const perConsumer = createHandler(definition, { status_code_metrics: true, per_consumer: true }, e);
    const plain = createHandler(definition, { status_code_metrics: true, bandwidth_metrics: true }, e);
    const kong = finished();
    kong.consumer = consumer;
    perConsumer.log!(kong);
    plain.log!(kong);
    const text = await metric(e.metrics, 'kong_http_requests_total');
    expect(text).toContain('workspace="default",consumer="alice"} 1');
    expect(text).toContain('workspace="default",consumer=""} 1');
  });

  it('labels a service by name else host, a route by name else id', async () => {
    const e = env();
    const handler = createHandler(definition, { status_code_metrics: true }, e);
    handler.log!(
      finished(
        {},
        { route: { id: 'r-2' } as unknown as Entity, service: { id: 's-2', host: 'h.test' } as unknown as Entity },
      ),
    );
    const text = await metric(e.metrics, 'kong_http_requests_total');
    expect(text).toContain('{service="h.test",route="r-2",code="200"');
  });

  it('records nothing for a request without a service (no route matched), as Kong', async () => {
    const e = env();
    const handler = createHandler(
      definition,
      { status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true },
      e,
    );
    handler.log!(finished({ status: 404, source: 'exit' }, { route: null, service: null }));
    const text = await e.metrics.metrics();
    expect(text).not.toContain('code="404"');
    expect(text).not.toContain('service=""');
  });

  it("observes Kong's three latency histograms in whole milliseconds", async () => {
    const e = env();
    const handler = createHandler(definition, { latency_metrics: true }, e);
    handler.log!(finished());
    handler.log!(finished({ upstreamLatencyMs: null, proxyLatencyMs: null, requestLatencyMs: 2, source: 'exit' }));
    const kongLatency = await metric(e.metrics, 'kong_kong_latency_ms');
    expect(kongLatency).toContain(
      'kong_kong_latency_ms_bucket{le="1",service="svc",route="orders",workspace="default"} 0',
    );
    expect(kongLatency).toContain(
      'kong_kong_latency_ms_bucket{le="5",service="svc",route="orders",workspace="default"} 2',
    );
    expect(kongLatency).toContain(
      'kong_kong_latency_ms_bucket{le="6000",service="svc",route="orders",workspace="default"} 2',
    );
    expect(kongLatency).toContain('kong_kong_latency_ms_sum{service="svc",route="orders",workspace="default"} 5');
    expect(kongLatency).toContain('kong_kong_latency_ms_count{service="svc",route="orders",workspace="default"} 2');
    const upstream = await metric(e.metrics, 'kong_upstream_latency_ms');
    expect(upstream).toContain(
      'kong_upstream_latency_ms_bucket{le="25",service="svc",route="orders",workspace="default"} 0',
    );
    expect(upstream).toContain(
      'kong_upstream_latency_ms_bucket{le="50",service="svc",route="orders",workspace="default"} 1',
    );
    expect(upstream).toContain('kong_upstream_latency_ms_count{service="svc",route="orders",workspace="default"} 1');
    const total = await metric(e.metrics, 'kong_request_latency_ms');
    expect(total).toContain('kong_request_latency_ms_sum{service="svc",route="orders",workspace="default"} 50');
    expect(total).toContain('kong_request_latency_ms_count{service="svc",route="orders",workspace="default"} 2');
  });

  it('counts ingress and egress bytes', async () => {
    const e = env();
    const handler = createHandler(definition, { bandwidth_metrics: true }, e);
    handler.log!(finished());
    handler.log!(finished({ requestSize: 0 }));
    const text = await metric(e.metrics, 'kong_bandwidth_bytes');
    expect(text).toContain(
      'kong_bandwidth_bytes{service="svc",route="orders",direction="ingress",workspace="default",consumer=""} 100',
    );
    expect(text).toContain(
      'kong_bandwidth_bytes{service="svc",route="orders",direction="egress",workspace="default",consumer=""} 600',
    );
  });

  it('records nothing with every flag off', async () => {
    const e = env();
    createHandler(definition, {}, e).log!(finished());
    expect(await metric(e.metrics, 'kong_http_requests_total')).not.toContain('service=');
    expect(await metric(e.metrics, 'kong_bandwidth_bytes')).not.toContain('service=');
  });

  it('shares one set of metrics between instances and keeps them across re-configuration', async () => {
    const e = env();
    const first = createHandler(definition, { status_code_metrics: true }, e);
    first.log!(finished());
    await first.close!();
    const second = createHandler(definition, { status_code_metrics: true }, e);
    second.log!(finished());
    expect(await metric(e.metrics, 'kong_http_requests_total')).toContain('consumer=""} 2');
  });

  it('exports target health at scrape time while an instance asks for it', async () => {
    const targets = [
      { upstream: 'backend', target: 'a.test:80', address: '10.0.0.1:80', health: 'HEALTHY' },
      { upstream: 'backend', target: 'b.test:80', address: '', health: 'DNS_ERROR' },
    ];
    const e = env({ gateway: { configHash: () => 'ab', targetHealth: () => targets } });
    const without = createHandler(definition, {}, e);
    expect(await metric(e.metrics, 'kong_upstream_target_health')).not.toContain('upstream=');

    const withHealth = createHandler(definition, { upstream_health_metrics: true }, e);
    const text = await metric(e.metrics, 'kong_upstream_target_health');
    expect(text).toContain(
      'kong_upstream_target_health{upstream="backend",target="a.test:80",address="10.0.0.1:80",state="healthy",subsystem="http"} 1',
    );
    expect(text).toContain(
      'kong_upstream_target_health{upstream="backend",target="a.test:80",address="10.0.0.1:80",state="unhealthy",subsystem="http"} 0',
    );
    expect(text).toContain(
      'kong_upstream_target_health{upstream="backend",target="b.test:80",address="",state="dns_error",subsystem="http"} 1',
    );

    await withHealth.close!();
    expect(await metric(e.metrics, 'kong_upstream_target_health')).not.toContain('upstream=');
    await without.close!();
  });

  it('exports the config hash as a number, as Kong does', async () => {
    const hash = '0123456789abcdef0123456789abcdef';
    const e = env({ nodeId: 'node-7', gateway: { configHash: () => hash, targetHealth: () => [] } });
    createHandler(definition, {}, e);
    const text = await metric(e.metrics, 'kong_data_plane_config_hash');
    expect(text).toMatch(/kong_data_plane_config_hash\{node_id="node-7",hostname="[^"]*",ip="[^"]*"\} /);
    expect(hashToNumber(hash)).toBe(Number(`0x${hash}`));
    expect(hashToNumber('not-hex')).toBe(0);
  });
});
