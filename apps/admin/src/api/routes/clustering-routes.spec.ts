/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call -- replies are JSON checked by assertions */
import { InMemoryDataPlaneRegistry, type DataPlaneRegistry, type DataPlaneReportInput } from '@gantry/store';
import { ApiHarness } from '../../testing/api-harness';

/** A reply whose JSON body the assertions walk freely. */
async function call(
  h: ApiHarness,
  method: string,
  url: string,
): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  return h.call(method, url);
}

const START = 1_700_000_000_000;

function report(id: string, overrides: Partial<DataPlaneReportInput> = {}): DataPlaneReportInput {
  return {
    id,
    hostname: `host-${id}`,
    ip: '10.0.0.1',
    version: '0.1.0',
    config_version: 3,
    config_hash: 'hash',
    lag: 0,
    status: 'ready',
    upstream_health: {},
    ...overrides,
  };
}

/** An admin and a registry on one clock, replicas reporting every second. */
function setup(registry?: DataPlaneRegistry) {
  const clock = { now: START };
  const dataPlanes = registry ?? new InMemoryDataPlaneRegistry({ now: () => clock.now });
  const h = new ApiHarness({
    dataPlanes,
    now: () => clock.now,
    settings: { region: 'test', writeTimeoutMs: 200, maxBodyBytes: 1024 * 1024, reportIntervalMs: 1_000 },
  });
  return { h, dataPlanes, clock };
}

describe('GET /clustering/data-planes', () => {
  it('lists replicas in Kong shape with Gantry fields, without the health map', async () => {
    const { h, dataPlanes } = setup();
    await dataPlanes.report(report('dp-b', { status: 'degraded' }));
    await dataPlanes.report(report('dp-a', { status: 'catching_up', lag: 2 }));
    const answer = await call(h, 'GET', '/clustering/data-planes');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: [
        {
          id: 'dp-a',
          hostname: 'host-dp-a',
          ip: '10.0.0.1',
          last_seen: START / 1000,
          config_hash: 'hash',
          version: '0.1.0',
          sync_status: 'normal',
          config_version: 3,
          lag: 2,
          status: 'catching_up',
        },
        expect.objectContaining({ id: 'dp-b', status: 'degraded' }),
      ],
      next: null,
    });
  });

  it('calls a replica stale after three missed reports (one second of slack for last_seen)', async () => {
    const { h, dataPlanes, clock } = setup();
    await dataPlanes.report(report('dp-a'));
    clock.now += 4_000;
    expect((await call(h, 'GET', '/clustering/data-planes')).body.data[0].status).toBe('ready');
    clock.now += 1;
    expect((await call(h, 'GET', '/clustering/data-planes')).body.data[0].status).toBe('stale');
  });

  it('pages with size and offset', async () => {
    const { h, dataPlanes } = setup();
    for (const id of ['dp-1', 'dp-2', 'dp-3']) await dataPlanes.report(report(id));
    const first = await call(h, 'GET', '/clustering/data-planes?size=2');
    expect(first.body.data.map((d: { id: string }) => d.id)).toEqual(['dp-1', 'dp-2']);
    expect(first.body.next).toBe(`/clustering/data-planes?offset=${first.body.offset}&size=2`);
    const second = await call(h, 'GET', first.body.next as string);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: 'dp-3' })], next: null });
    expect((await call(h, 'GET', '/clustering/data-planes?size=0')).status).toBe(400);
  });

  it('answers an empty list without a registry, and 503 when the registry fails', async () => {
    expect((await call(new ApiHarness(), 'GET', '/clustering/data-planes')).body).toEqual({ data: [], next: null });
    const broken: DataPlaneRegistry = {
      report: () => Promise.resolve(),
      list: () => Promise.reject(new Error('cassandra is down')),
      remove: () => Promise.resolve(),
    };
    const answer = await call(setup(broken).h, 'GET', '/clustering/data-planes');
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('1');
    expect(answer.body.message).toMatch(/cassandra is down/);
  });

  it('answers while the configuration is not loaded', async () => {
    const h = new ApiHarness({ notReady: () => 'booting', dataPlanes: new InMemoryDataPlaneRegistry() });
    expect((await call(h, 'GET', '/clustering/data-planes')).status).toBe(200);
  });
});

describe('GET /clustering/status', () => {
  it("answers Kong's deprecated map by id", async () => {
    const { h, dataPlanes } = setup();
    await dataPlanes.report(report('dp-a'));
    const answer = await call(h, 'GET', '/clustering/status');
    expect(answer.status).toBe(200);
    expect(answer.headers.Deprecation).toBe('true');
    expect(answer.body).toEqual({
      'dp-a': { config_hash: 'hash', hostname: 'host-dp-a', ip: '10.0.0.1', last_seen: START / 1000 },
    });
  });
});

describe('GET /upstreams/{u}/health across replicas', () => {
  const checked = { healthchecks: { active: { healthy: { interval: 5 }, unhealthy: { interval: 5 } } } };

  async function upstreamWithTargets(h: ApiHarness, body: object = checked) {
    const upstream = (await h.call('POST', '/upstreams', { name: 'pool', ...body })).body as { id: string };
    const t1 = (await h.call('POST', '/upstreams/pool/targets', { target: '10.1.0.1:80' })).body as { id: string };
    const t2 = (await h.call('POST', '/upstreams/pool/targets', { target: '10.1.0.2:80', weight: 50 })).body as {
      id: string;
    };
    return { upstream: upstream.id, t1: t1.id, t2: t2.id };
  }

  function health(target: string, verdict: 'HEALTHY' | 'UNHEALTHY') {
    const ip = target.split(':')[0];
    return { target, health: verdict, addresses: [{ ip, port: 80, health: verdict }] };
  }

  it('falls back to the upstream settings when no replica reports', async () => {
    const { h } = setup();
    await upstreamWithTargets(h);
    const answer = await call(h, 'GET', '/upstreams/pool/health');
    expect(answer.status).toBe(200);
    expect(answer.body.node_id).toBe('node-1');
    expect(answer.body.next).toBeNull();
    expect(answer.body.data.map((t: { health: string }) => t.health)).toEqual(['HEALTHY', 'HEALTHY']);
    expect(answer.body.data[0].data).toEqual({ addresses: [], nodes: {} });
    const { h: off } = setup();
    await upstreamWithTargets(off, {});
    const offAnswer = await call(off, 'GET', '/upstreams/pool/health');
    expect(offAnswer.body.data.map((t: { health: string }) => t.health)).toEqual([
      'HEALTHCHECKS_OFF',
      'HEALTHCHECKS_OFF',
    ]);
  });

  it('aggregates fresh replicas by majority, with each replica verdict; stale replicas do not vote', async () => {
    const { h, dataPlanes, clock } = setup();
    const ids = await upstreamWithTargets(h);
    const view = (t1: 'HEALTHY' | 'UNHEALTHY', t2: 'HEALTHY' | 'UNHEALTHY', healthy = true) => ({
      upstream_health: {
        [ids.upstream]: {
          healthy,
          targets: { [ids.t1]: health('10.1.0.1:80', t1), [ids.t2]: health('10.1.0.2:80', t2) },
        },
      },
    });
    await dataPlanes.report(report('dp-old', view('UNHEALTHY', 'UNHEALTHY', false)));
    clock.now += 10_000;
    await dataPlanes.report(report('dp-a', view('HEALTHY', 'UNHEALTHY')));
    await dataPlanes.report(report('dp-b', view('HEALTHY', 'HEALTHY')));
    await dataPlanes.report(report('dp-c', view('UNHEALTHY', 'UNHEALTHY', false)));
    const answer = await call(h, 'GET', '/upstreams/pool/health');
    const byTarget = Object.fromEntries(
      (answer.body.data as { target: string }[]).map((row) => [row.target, row]),
    ) as Record<string, any>;
    expect(byTarget['10.1.0.1:80']).toMatchObject({
      id: ids.t1,
      weight: 100,
      upstream: { id: ids.upstream },
      health: 'HEALTHY',
      data: {
        host: '10.1.0.1',
        port: 80,
        nodeWeight: 100,
        weight: { total: 100, available: 100, unavailable: 0 },
        addresses: [{ ip: '10.1.0.1', port: 80, health: 'HEALTHY', weight: 100 }],
        nodes: { 'dp-a': 'HEALTHY', 'dp-b': 'HEALTHY', 'dp-c': 'UNHEALTHY' },
      },
    });
    expect(byTarget['10.1.0.2:80']).toMatchObject({
      health: 'UNHEALTHY',
      data: { weight: { total: 50, available: 0, unavailable: 50 } },
    });

    const balancer = await call(h, 'GET', '/upstreams/pool/health?balancer_health=1');
    expect(balancer.body).toEqual({
      data: {
        id: ids.upstream,
        health: 'HEALTHY',
        balancer_health: 'HEALTHY',
        details: {
          healthy: true,
          weight: { total: 150, available: 100, unavailable: 50 },
          nodes: { 'dp-a': 'HEALTHY', 'dp-b': 'HEALTHY', 'dp-c': 'UNHEALTHY' },
        },
      },
      next: null,
      node_id: 'node-1',
    });
  });

  it('summarises the balancer from the targets when no replica reports, and pages the targets', async () => {
    const { h } = setup();
    const ids = await upstreamWithTargets(h, {});
    const balancer = await call(h, 'GET', '/upstreams/pool/health?balancer_health=1');
    expect(balancer.body.data).toEqual({
      id: ids.upstream,
      health: 'HEALTHCHECKS_OFF',
      balancer_health: 'HEALTHY',
      details: { healthy: true, weight: { total: 150, available: 150, unavailable: 0 }, nodes: {} },
    });
    const page = await call(h, 'GET', '/upstreams/pool/health?size=1');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.next).toBe(`/upstreams/pool/health?offset=${page.body.offset}&size=1`);
    const rest = await call(h, 'GET', page.body.next as string);
    expect(rest.body.data).toHaveLength(1);
    expect(rest.body.next).toBeNull();
    expect((await call(h, 'GET', '/upstreams/nothing/health')).status).toBe(404);
  });
});
