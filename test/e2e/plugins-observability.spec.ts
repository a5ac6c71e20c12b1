/**
 * The observability plugins through the Admin API and a real proxy replica (real Kafka and Cassandra):
 * prometheus on the status port's `/metrics`, http-log to a local collector (batching, retries, a hanging
 * collector), file-log to a temp file (with the config version that served each request, also sent as the
 * `GANTRY_PROXY_CONFIG_VERSION_HEADER` response header), opentelemetry to an OTLP receiver with W3C propagation, and
 * correlation-id.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SerializedLog } from '@gantry/plugins';
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster, type RunningProxy } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { uniqueName } from '../support/infra-env';
import { OtlpReceiver } from '../support/otlp-receiver';
import { UpstreamServer, startUpstreams, type Echo } from '../support/upstream-server';

jest.setTimeout(120_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let proxy: RunningProxy;
let upstream: UpstreamServer;

async function created(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await admin.post(path, body);
  expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
  return answer.body as Record<string, unknown>;
}

/** A service on the echo upstream with one route `/<name>`. */
async function serviceWithRoute(name: string): Promise<void> {
  await created('/services', { name, url: upstream.url });
  await created(`/services/${name}/routes`, { name, paths: [`/${name}`] });
}

function get(path: string, headers: Record<string, string> = {}) {
  return http(proxy.url, path, { headers });
}

/** Retries `probe` until it stops throwing (an assertion that becomes true), or rethrows after `timeoutMs`. */
async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  [upstream] = await startUpstreams('observability-up');
  admin = await cluster.startAdmin();
  proxy = await cluster.startProxy(undefined, { GANTRY_PROXY_CONFIG_VERSION_HEADER: 'X-Gantry-Config-Version' });
  await created('/consumers', { username: 'alice' });
  await created('/consumers/alice/key-auth', { key: 'alice-key' });
});

afterAll(async () => {
  await cluster.stop();
  await upstream?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// prometheus

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(): Promise<Sample[]> {
  const answer = await http(proxy.statusUrl, '/metrics');
  expect(answer.status).toBe(200);
  return parseExposition(answer.text);
}

/** The value of the sample with exactly these labels, or undefined. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const keys = Object.keys(labels);
  const found = samples.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === keys.length &&
      keys.every((key) => s.labels[key] === labels[key]),
  );
  return found?.value;
}

describe('prometheus', () => {
  const requests = (route: string, code: number, source: string, consumer = '') => ({
    service: 'metrics',
    route,
    code: String(code),
    source,
    workspace: 'default',
    consumer,
  });

  beforeAll(async () => {
    await created('/plugins', {
      name: 'prometheus',
      config: {
        per_consumer: true,
        status_code_metrics: true,
        latency_metrics: true,
        bandwidth_metrics: true,
        upstream_health_metrics: true,
      },
    });
    await created('/upstreams', { name: 'metrics-up' });
    await created('/upstreams/metrics-up/targets', { target: upstream.target });
    await created('/services', { name: 'metrics', host: 'metrics-up', port: 80, protocol: 'http' });
    await created('/services/metrics/routes', { name: 'metrics-open', paths: ['/metrics-open'] });
    await created('/services/metrics/routes', { name: 'metrics-auth', paths: ['/metrics-auth'] });
    await created('/routes/metrics-auth/plugins', { name: 'key-auth' });
    await cluster.converge();
    for (let i = 0; i < 3; i++) expect((await get('/metrics-open')).status).toBe(200);
    expect((await get('/metrics-auth')).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await get('/metrics-auth', { apikey: 'alice-key' })).status).toBe(200);
    expect((await get('/no-route-here')).status).toBe(404);
  });

  it('counts requests by service, route, code, source, workspace and consumer', async () => {
    const samples = await eventually(async () => {
      const all = await scrape();
      expect(valueOf(all, 'kong_http_requests_total', requests('metrics-auth', 200, 'service', 'alice'))).toBe(2);
      return all;
    });
    expect(valueOf(samples, 'kong_http_requests_total', requests('metrics-open', 200, 'service'))).toBe(3);
    // key-auth's 401 is Kong's answer, not the service's.
    expect(valueOf(samples, 'kong_http_requests_total', requests('metrics-auth', 401, 'kong'))).toBe(1);
    expect(valueOf(samples, 'kong_http_requests_total', requests('metrics-auth', 200, 'service'))).toBeUndefined();
  });

  it('records request, upstream and Kong latency histograms per service and route', async () => {
    const samples = await scrape();
    const labels = (route: string, le: string) => ({ service: 'metrics', route, workspace: 'default', le });
    for (const name of ['kong_request_latency_ms', 'kong_upstream_latency_ms', 'kong_kong_latency_ms']) {
      expect({ name, count: valueOf(samples, `${name}_bucket`, labels('metrics-open', '+Inf')) }).toEqual({
        name,
        count: 3,
      });
      const base = { service: 'metrics', route: 'metrics-open', workspace: 'default' };
      expect({ name, count: valueOf(samples, `${name}_count`, base) }).toEqual({ name, count: 3 });
    }
    // Three requests reached the upstream on the auth route: the two authenticated ones, not the 401.
    expect(valueOf(samples, 'kong_request_latency_ms_bucket', labels('metrics-auth', '+Inf'))).toBe(3);
    expect(valueOf(samples, 'kong_upstream_latency_ms_bucket', labels('metrics-auth', '+Inf'))).toBe(2);
    // Kong's buckets: the Kong latency histogram starts at 1 ms, the upstream one at 25 ms.
    expect(valueOf(samples, 'kong_kong_latency_ms_bucket', labels('metrics-open', '1'))).toEqual(expect.any(Number));
    expect(valueOf(samples, 'kong_upstream_latency_ms_bucket', labels('metrics-open', '25'))).toEqual(
      expect.any(Number),
    );
  });

  it('counts egress bytes per service, route and consumer', async () => {
    const samples = await scrape();
    const egress = (route: string, consumer = '') =>
      valueOf(samples, 'kong_bandwidth_bytes', {
        service: 'metrics',
        route,
        direction: 'egress',
        workspace: 'default',
        consumer,
      });
    // Three echo answers, each well over 100 bytes (status line, headers, the echoed request).
    expect(egress('metrics-open')).toBeGreaterThan(300);
    expect(egress('metrics-auth', 'alice')).toBeGreaterThan(200);
    expect(egress('metrics-auth')).toBeGreaterThan(0); // the 401
  });

  it('counts ingress bytes (request line, headers and body) per service, route and consumer', async () => {
    const samples = await scrape();
    const ingress = (route: string, consumer = '') =>
      valueOf(samples, 'kong_bandwidth_bytes', {
        service: 'metrics',
        route,
        direction: 'ingress',
        workspace: 'default',
        consumer,
      });
    // Kong counts nginx's request_length: a GET without a body is still its request line and headers.
    expect(ingress('metrics-open')).toBeGreaterThan(3 * 'GET /metrics-open HTTP/1.1\r\n'.length);
    expect(ingress('metrics-auth', 'alice')).toBeGreaterThan(2 * 'GET /metrics-auth HTTP/1.1\r\n'.length);
  });

  it('exports upstream target health and the data plane config hash', async () => {
    const samples = await scrape();
    const health = (state: string) =>
      valueOf(samples, 'kong_upstream_target_health', {
        upstream: 'metrics-up',
        target: upstream.target,
        address: upstream.target,
        state,
        subsystem: 'http',
      });
    expect(health('healthchecks_off')).toBe(1);
    for (const state of ['healthy', 'unhealthy', 'dns_error'])
      expect({ state, value: health(state) }).toEqual({ state, value: 0 });

    const hashes = samples.filter((s) => s.name === 'kong_data_plane_config_hash');
    expect(hashes).toHaveLength(1);
    expect(hashes[0].labels).toEqual({ node_id: proxy.id, hostname: expect.any(String), ip: expect.any(String) });
    const status = (await http(proxy.statusUrl, '/status')).json as { config_hash?: string };
    expect(status.config_hash).toMatch(/^[0-9a-f]+$/);
    expect(hashes[0].value).toBe(Number(`0x${status.config_hash}`));
  });

  it('does not count a request no route matched (Kong records nothing without a service)', async () => {
    const samples = await scrape();
    const unrouted = samples.filter((s) => s.name.startsWith('kong_') && s.labels.service === '');
    expect(unrouted).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// http-log

interface Delivery {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** What the collector answered (null: nothing, it hangs). */
  readonly answered: number | null;
}

type CollectorMode = 'ok' | 'fail-first' | 'hang';

/** A log server: keeps every delivery and answers 200, 500 to the first one, or nothing at all. */
class LogCollector {
  readonly deliveries: Delivery[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly mode: CollectorMode) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const answered =
          this.mode === 'hang' ? null : this.mode === 'fail-first' && this.deliveries.length === 0 ? 500 : 200;
        this.deliveries.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          answered,
        });
        if (answered !== null) res.writeHead(answered).end();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/logs`;
  }

  /** Every record received, batches flattened. */
  records(): SerializedLog[] {
    return this.deliveries.flatMap((d) => {
      const body = JSON.parse(d.text) as SerializedLog | SerializedLog[];
      return Array.isArray(body) ? body : [body];
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}

describe('http-log', () => {
  const collectors: LogCollector[] = [];
  /** The record of the authenticated request of the first test. */
  let logged: SerializedLog | undefined;

  async function collector(mode: CollectorMode): Promise<[LogCollector, string]> {
    const server = new LogCollector(mode);
    collectors.push(server);
    return [server, await server.start()];
  }

  afterAll(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
  });

  it('sends Kong log records of proxied requests, secrets redacted, consumer included', async () => {
    const [logs, endpoint] = await collector('ok');
    await serviceWithRoute('logged');
    await created('/routes/logged/plugins', { name: 'key-auth' });
    await created('/routes/logged/plugins', {
      name: 'http-log',
      config: { http_endpoint: endpoint, headers: { 'X-Log-Token': 'collector-secret' } },
    });
    await cluster.converge();
    const before = Date.now();
    const answer = await get('/logged/item?a=1&b=2', { apikey: 'alice-key', authorization: 'Bearer top-secret' });
    expect(answer.status).toBe(200);
    expect((await get('/logged/denied')).status).toBe(401);

    await eventually(() => expect(logs.deliveries).toHaveLength(2));
    const delivery = logs.deliveries.find((d) => d.text.includes('/logged/item'))!;
    expect(delivery.method).toBe('POST');
    expect(delivery.url).toBe('/logs');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-log-token']).toBe('collector-secret');

    // max_batch_size 1 (the default): one object per request.
    const record = JSON.parse(delivery.text) as SerializedLog;
    logged = record;
    expect(Array.isArray(record)).toBe(false);
    expect(record.request).toMatchObject({
      method: 'GET',
      uri: '/logged/item?a=1&b=2',
      url: `${proxy.url}/logged/item?a=1&b=2`,
      querystring: { a: '1', b: '2' },
    });
    expect(record.request.headers).toMatchObject({ authorization: 'REDACTED', apikey: 'alice-key' });
    expect(JSON.stringify(record)).not.toContain('top-secret');
    expect(record.upstream_uri).toBe('/item?a=1&b=2');
    expect(record.response).toMatchObject({ status: 200, size: expect.any(Number) });
    expect(record.response.headers['x-kong-request-id']).toBe(answer.headers['x-kong-request-id']);
    expect(record.latencies).toEqual({
      kong: expect.any(Number),
      proxy: expect.any(Number),
      request: expect.any(Number),
      receive: expect.any(Number),
    });
    expect(record.latencies.proxy).toBeGreaterThanOrEqual(0);
    expect(record.route).toMatchObject({ name: 'logged', paths: ['/logged'] });
    expect(record.service).toMatchObject({ name: 'logged', host: '127.0.0.1', port: upstream.port });
    expect(record.consumer).toMatchObject({ username: 'alice', id: expect.any(String) });
    expect(record.authenticated_entity).toEqual({ id: expect.any(String) });
    expect(record.client_ip).toBe('127.0.0.1');
    expect(record.started_at).toBeGreaterThanOrEqual(before - 1000);
    expect(record.started_at).toBeLessThanOrEqual(Date.now());
    expect(record.source).toBe('upstream');

    // key-auth's 401 is logged too, without a consumer.
    const denied = logs.records().find((r) => r.request.uri === '/logged/denied')!;
    expect(denied.response.status).toBe(401);
    expect(denied.source).toBe('kong');
    expect(denied.consumer).toBeUndefined();
  });

  it('logs the request headers the client sent, not those the proxy sent upstream', () => {
    expect(logged).toBeDefined();
    const headers = logged!.request.headers as Record<string, unknown>;
    expect(headers.host).toBe(new URL(proxy.url).host);
    for (const added of ['x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'via', 'x-kong-request-id']) {
      expect({ added, value: headers[added] }).toEqual({ added, value: undefined });
    }
  });

  it('logs the request size (request line, headers and body)', () => {
    expect(logged).toBeDefined();
    expect(logged!.request.size).toBeGreaterThan('GET /logged/item?a=1&b=2 HTTP/1.1\r\n'.length);
  });

  it('logs a request no route matched with a global instance, as Kong runs global log plugins on it', async () => {
    const [logs, endpoint] = await collector('ok');
    const plugin = await created('/plugins', { name: 'http-log', config: { http_endpoint: endpoint } });
    await cluster.converge();
    try {
      expect((await get('/nowhere-at-all?z=1')).status).toBe(404);
      const record = await eventually(() => {
        const found = logs.records().find((r) => r.request.uri === '/nowhere-at-all?z=1');
        expect(found).toBeDefined();
        return found!;
      }, 3_000);
      expect(record.response.status).toBe(404);
      expect(record.source).toBe('kong');
      expect(record.route).toBeUndefined();
      expect(record.service).toBeUndefined();
    } finally {
      expect((await admin.delete(`/plugins/${String(plugin.id)}`)).status).toBe(204);
      await cluster.converge();
    }
  });

  it('batches records into a JSON array with queue.max_batch_size', async () => {
    const [logs, endpoint] = await collector('ok');
    await serviceWithRoute('batched');
    await created('/routes/batched/plugins', {
      name: 'http-log',
      // A long coalescing delay: the batch goes out because it is full.
      config: { http_endpoint: endpoint, queue: { max_batch_size: 3, max_coalescing_delay: 30 } },
    });
    await cluster.converge();
    const answers = await Promise.all([1, 2, 3].map((n) => get(`/batched/${n}`)));
    for (const answer of answers) expect(answer.status).toBe(200);

    await eventually(() => expect(logs.deliveries).toHaveLength(1));
    const batch = JSON.parse(logs.deliveries[0].text) as SerializedLog[];
    expect(Array.isArray(batch)).toBe(true);
    expect(batch.map((r) => r.request.uri).sort()).toEqual(['/batched/1', '/batched/2', '/batched/3']);
  });

  it('retries a batch the collector refused', async () => {
    const [logs, endpoint] = await collector('fail-first');
    await serviceWithRoute('retried');
    await created('/routes/retried/plugins', { name: 'http-log', config: { http_endpoint: endpoint } });
    await cluster.converge();
    expect((await get('/retried/once')).status).toBe(200);

    await eventually(() => expect(logs.deliveries).toHaveLength(2));
    expect(logs.deliveries.map((d) => d.answered)).toEqual([500, 200]);
    expect(logs.deliveries[1].text).toBe(logs.deliveries[0].text);
    expect(JSON.parse(logs.deliveries[1].text)).toMatchObject({ request: { uri: '/retried/once' } });
  });

  it('never holds proxied requests back when the collector does not answer', async () => {
    const [logs, endpoint] = await collector('hang');
    await serviceWithRoute('stuck');
    const plugin = await created('/routes/stuck/plugins', {
      name: 'http-log',
      config: { http_endpoint: endpoint, timeout: 60_000 },
    });
    await cluster.converge();
    expect((await get('/stuck/first')).status).toBe(200);
    await eventually(() => expect(logs.deliveries).toHaveLength(1));
    // The collector now holds the first record unanswered; the next requests still go through.
    for (let i = 0; i < 5; i++) expect((await get(`/stuck/${i}`, {})).status).toBe(200);
    expect(logs.deliveries).toHaveLength(1);
    expect((await admin.delete(`/plugins/${String(plugin.id)}`)).status).toBe(204);
    await cluster.converge();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// file-log

describe('file-log', () => {
  const path = join(tmpdir(), `${uniqueName('gantry-file-log')}.log`);

  afterAll(async () => {
    await rm(path, { force: true });
  });

  it('appends one JSON line with Kong’s log record per request', async () => {
    await serviceWithRoute('filed');
    await created('/routes/filed/plugins', { name: 'file-log', config: { path } });
    const version = await cluster.converge();
    const one = await get('/filed/one');
    expect(one.status).toBe(200);
    expect(one.headers['x-gantry-config-version']).toBe(String(version));
    expect((await get('/filed/two?x=y', { authorization: 'Basic c2VjcmV0' })).status).toBe(200);

    const lines = await eventually(async () => {
      const text = await readFile(path, 'utf8');
      const all = text.split('\n').filter((line) => line !== '');
      expect(all).toHaveLength(2);
      expect(text.endsWith('\n')).toBe(true);
      return all.map((line) => JSON.parse(line) as SerializedLog);
    });
    expect(lines.map((r) => r.request.uri).sort()).toEqual(['/filed/one', '/filed/two?x=y']);
    const second = lines.find((r) => r.request.uri === '/filed/two?x=y')!;
    expect(second).toMatchObject({
      request: { method: 'GET', querystring: { x: 'y' }, headers: { authorization: 'REDACTED' } },
      upstream_uri: '/two?x=y',
      response: { status: 200 },
      route: { name: 'filed' },
      service: { name: 'filed' },
      client_ip: '127.0.0.1',
      source: 'upstream',
      started_at: expect.any(Number),
      latencies: { kong: expect.any(Number), proxy: expect.any(Number), request: expect.any(Number) },
    });
    // Nothing was written since: both requests were served under the version the proxy converged on.
    expect(lines.map((r) => r.gantry)).toEqual([{ config_version: version }, { config_version: version }]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// opentelemetry

describe('opentelemetry', () => {
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    const tracesEndpoint = await receiver.start();
    await serviceWithRoute('traced');
    await created('/routes/traced/plugins', {
      name: 'opentelemetry',
      config: {
        traces_endpoint: tracesEndpoint,
        http_response_header_for_traceid: 'X-Trace-Id',
        queue: { max_coalescing_delay: 0.1 },
      },
    });
    await cluster.converge();
  });

  afterAll(async () => {
    await receiver.stop();
  });

  /** The W3C traceparent parts the upstream received. */
  function traceparentOf(echo: Echo): { traceId: string; parentId: string; flags: string } {
    const header = echo.headers.traceparent;
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    const [, traceId, parentId, flags] = String(header).split('-');
    return { traceId, parentId, flags };
  }

  async function spansOf(traceId: string) {
    return eventually(() => {
      const spans = receiver.spans.filter((span) => span.traceId === traceId);
      expect(spans.map((span) => span.name).sort()).toEqual(['kong', 'kong.balancer']);
      return { root: spans.find((s) => s.name === 'kong')!, balancer: spans.find((s) => s.name === 'kong.balancer')! };
    });
  }

  it('exports a server span with Kong’s attributes and propagates its trace to the upstream', async () => {
    const answer = await get('/traced/thing?q=1');
    expect(answer.status).toBe(200);
    const sent = traceparentOf(answer.json as Echo);
    expect(sent.flags).toBe('01');
    expect(answer.headers['x-trace-id']).toBe(sent.traceId);

    const { root, balancer } = await spansOf(sent.traceId);
    expect(root.kind).toBe(2);
    expect(root.parentSpanId).toBeNull();
    expect(root.attributes).toMatchObject({
      'http.method': 'GET',
      'http.url': `http://127.0.0.1/traced/thing?q=1`,
      'http.host': '127.0.0.1',
      'http.scheme': 'http',
      'http.flavor': '1.1',
      'http.client_ip': '127.0.0.1',
      'http.status_code': 200,
      'http.route': '/traced',
      'kong.request.id': answer.headers['x-kong-request-id'],
    });
    expect(root.resource).toMatchObject({ 'service.name': 'kong', 'service.instance.id': proxy.id });
    // The upstream's parent is the balancer span, a client child of the request span.
    expect(balancer.kind).toBe(3);
    expect(balancer.parentSpanId).toBe(root.spanId);
    expect(balancer.spanId).toBe(sent.parentId);
    expect(balancer.attributes).toMatchObject({ 'http.method': 'GET', 'net.peer.name': '127.0.0.1' });
  });

  it('continues the caller’s trace from an incoming traceparent', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const answer = await get('/traced/child', { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-trace-id']).toBe(traceId);
    const sent = traceparentOf(answer.json as Echo);
    expect(sent.traceId).toBe(traceId);
    expect(sent.parentId).not.toBe(callerSpan);

    const { root, balancer } = await spansOf(traceId);
    expect(root.parentSpanId).toBe(callerSpan);
    expect(balancer.spanId).toBe(sent.parentId);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// correlation-id

describe('correlation-id', () => {
  beforeAll(async () => {
    await serviceWithRoute('correlated');
    await created('/routes/correlated/plugins', {
      name: 'correlation-id',
      config: { header_name: 'X-Correlation-ID', echo_downstream: true },
    });
    await serviceWithRoute('correlated-quiet');
    await created('/routes/correlated-quiet/plugins', { name: 'correlation-id' });
    await cluster.converge();
  });

  it('adds an id upstream and echoes it downstream with echo_downstream', async () => {
    const first = await get('/correlated');
    const second = await get('/correlated');
    for (const answer of [first, second]) {
      expect(answer.status).toBe(200);
      const id = (answer.json as Echo).headers['x-correlation-id'];
      // uuid#counter, the default generator.
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}#\d+$/);
      expect(answer.headers['x-correlation-id']).toBe(id);
    }
    expect(first.headers['x-correlation-id']).not.toBe(second.headers['x-correlation-id']);
  });

  it('keeps the id the client sent', async () => {
    const answer = await get('/correlated', { 'x-correlation-id': 'client-chosen-42' });
    expect(answer.status).toBe(200);
    expect((answer.json as Echo).headers['x-correlation-id']).toBe('client-chosen-42');
    expect(answer.headers['x-correlation-id']).toBe('client-chosen-42');
  });

  it('uses Kong-Request-ID and does not echo by default', async () => {
    const answer = await get('/correlated-quiet');
    expect(answer.status).toBe(200);
    expect((answer.json as Echo).headers['kong-request-id']).toMatch(/#\d+$/);
    expect(answer.headers['kong-request-id']).toBeUndefined();
  });
});
