import pino from 'pino';
import { ConsulSource } from './consul-source';
import type { ConsulSourceOptions } from './options';
import { FakeConsul, type FakeInstance } from './testing/fake-consul';
import { eventually, RecordingSink } from './testing/recording-sink';

const silent = pino({ level: 'silent' });

let consul: FakeConsul;
let address: string;
let sink: RecordingSink;
let source: ConsulSource | undefined;

beforeEach(async () => {
  consul = new FakeConsul();
  address = await consul.start();
  sink = new RecordingSink();
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await consul.close();
});

async function startSource(options: Partial<ConsulSourceOptions> = {}): Promise<ConsulSource> {
  source = new ConsulSource({
    datacenter: 'dc1',
    address,
    logger: silent,
    waitMs: 300_000,
    minQueryIntervalMs: 0,
    retry: { minDelayMs: 5, maxDelayMs: 20 },
    random: () => 0.5,
    ...options,
  });
  await source.start(sink);
  return source;
}

function web(id: string, extra: Partial<FakeInstance> = {}): FakeInstance {
  return {
    service: 'web',
    id,
    address: `10.0.1.${id.replace(/\D/g, '')}`,
    port: 8080,
    tags: ['gantry.upstream=web'],
    ...extra,
  };
}

describe('ConsulSource: full resync and deltas', () => {
  it('resyncs every mapped upstream on start, with weights, addresses and create defaults', async () => {
    consul.register(web('w1', { weights: { Passing: 10, Warning: 1 } }));
    consul.register(web('w2', { address: '', nodeAddress: '10.9.9.9' }));
    consul.register({ service: 'unmapped', id: 'u1', port: 80 });

    const s = await startSource({ upstreamDefaults: { algorithm: 'least-connections' } });

    expect(sink.calls).toHaveLength(1);
    const [call] = sink.calls;
    expect(call.kind).toBe('resync');
    expect(call.desired.reason).toMatch(/^consul dc1: full sync at catalog index \d+ \(start\)$/);
    expect(call.desired.upstreams).toEqual([
      {
        name: 'web',
        create: { algorithm: 'least-connections' },
        targets: [
          { target: '10.0.1.1:8080', weight: 10, tags: ['consul-service:web', 'consul-node:node-1'] },
          { target: '10.9.9.9:8080', weight: 1, tags: ['consul-service:web', 'consul-node:node-1'] },
        ],
      },
    ]);
    expect(consul.reads('health/unmapped')).toHaveLength(0);
    expect(s.status()).toMatchObject({
      source: 'consul:dc1',
      phase: 'watching',
      synced: true,
      resyncs: 1,
      services: 1,
      instances: 2,
      upstreams: 1,
      lastError: null,
    });
    expect(Object.keys(s.status().indexes).sort()).toEqual([
      'catalog/services',
      'catalog/services?meta',
      'health/service/web',
    ]);
  });

  it('sends the complete list of the upstream when one instance changes, and nothing for idle writes', async () => {
    consul.register(web('w1', { checks: ['passing', 'passing'] }));
    consul.register(web('w2'));
    await startSource();

    consul.setChecks('web', 'w1', ['passing', 'critical']);
    await eventually('an update', () => sink.count('update') === 1);
    const update = sink.calls[1].desired;
    expect(update.reason).toMatch(/^consul dc1: service 'web' index \d+ -> \d+$/);
    expect(update.upstreams.map((u) => u.name)).toEqual(['web']);
    expect(sink.targets('web')).toEqual({ '10.0.1.2:8080': 1 });

    // A write that changes nothing mapped (a check still critical) moves the index but sends no update.
    consul.setChecks('web', 'w1', ['passing', 'critical']);
    consul.setChecks('web', 'w1', ['passing', 'passing']);
    await eventually('the instance back', () => sink.count('update') === 2);
    expect(sink.targets('web')).toEqual({ '10.0.1.1:8080': 1, '10.0.1.2:8080': 1 });
    expect(sink.count('resync')).toBe(1);
  });

  it('gives the full list of an upstream fed by several services', async () => {
    consul.register(web('w1'));
    consul.register({
      service: 'web-canary',
      id: 'c1',
      address: '10.0.2.1',
      port: 9090,
      tags: ['gantry.upstream=web'],
    });
    await startSource();
    expect(sink.targets('web')).toEqual({ '10.0.1.1:8080': 1, '10.0.2.1:9090': 1 });

    consul.setChecks('web-canary', 'c1', ['passing', 'critical']);
    await eventually('an update', () => sink.count('update') === 1);
    expect(sink.calls[1].desired.upstreams).toEqual([
      { name: 'web', create: {}, targets: [expect.objectContaining({ target: '10.0.1.1:8080' })] },
    ]);
  });

  it('watches a service that appears, and empties the upstream of one that leaves the catalog', async () => {
    await startSource();
    expect(sink.calls[0].desired.upstreams).toEqual([]);

    consul.register(web('w1'));
    await eventually('the new service', () => sink.targets('web')['10.0.1.1:8080'] === 1);

    consul.deregister('web', 'w1');
    await eventually('the upstream emptied', () => sink.upstream('web')?.targets.length === 0);
    const last = sink.calls[sink.calls.length - 1].desired;
    expect(last.reason).toMatch(/catalog index \d+ -> \d+: service 'web' left the catalog|service 'web' index/);
    await eventually('the watch ended', () => source!.status().services === 0);
    expect(sink.count('resync')).toBe(1);
  });
});

describe('ConsulSource: mapping', () => {
  it('maps by service meta, found through the filtered catalog', async () => {
    consul.register({
      service: 'billing',
      id: 'b1',
      address: '10.0.3.1',
      port: 7000,
      meta: { 'gantry-upstream': 'pay' },
    });
    await startSource();
    expect(sink.targets('pay')).toEqual({ '10.0.3.1:7000': 1 });
    expect(consul.reads('catalog-meta:gantry-upstream').length).toBeGreaterThan(0);
  });

  it('maps every service by its name when asked, except the excluded ones', async () => {
    consul.register({ service: 'consul', id: 'consul', address: '127.0.0.1', port: 8300 });
    consul.register({ service: 'api', id: 'a1', address: '10.0.4.1', port: 80 });
    consul.register({ service: 'api', id: 'a2', address: '10.0.4.2', port: 80, tags: ['gantry.upstream=api-v2'] });
    await startSource({ mapping: { byServiceName: true } });
    expect(sink.targets('api')).toEqual({ '10.0.4.1:80': 1 });
    expect(sink.targets('api-v2')).toEqual({ '10.0.4.2:80': 1 });
    expect(sink.upstream('consul')).toBeUndefined();
    expect(consul.reads('health/consul')).toHaveLength(0);
    // Every service is a candidate: no need for the meta-filtered catalog.
    expect(consul.reads('catalog-meta:gantry-upstream')).toHaveLength(0);
  });

  it('uses a custom tag prefix and no upstream creation', async () => {
    consul.register({ service: 's', id: 's1', address: '10.0.5.1', port: 81, tags: ['lb=edge', 'gantry.upstream=x'] });
    await startSource({ mapping: { tagPrefix: 'lb', metaKey: null }, upstreamDefaults: null });
    expect(sink.calls[0].desired.upstreams).toEqual([
      {
        name: 'edge',
        targets: [{ target: '10.0.5.1:81', weight: 1, tags: ['consul-service:s', 'consul-node:node-1'] }],
      },
    ]);
  });
});

describe('ConsulSource: health filter', () => {
  beforeEach(() => {
    consul.register(web('w1', { checks: ['passing', 'passing'], weights: { Passing: 5, Warning: 2 } }));
    consul.register(web('w2', { checks: ['passing', 'warning'], weights: { Passing: 5, Warning: 2 } }));
    consul.register(web('w3', { checks: ['passing', 'critical'] }));
    consul.register(web('w4', { checks: ['critical', 'passing'] })); // node check failing
  });

  it('keeps passing instances only by default', async () => {
    await startSource();
    expect(sink.targets('web')).toEqual({ '10.0.1.1:8080': 5 });
  });

  it('keeps warning instances with their warning weight when asked', async () => {
    await startSource({ includeWarning: true });
    expect(sink.targets('web')).toEqual({ '10.0.1.1:8080': 5, '10.0.1.2:8080': 2 });
  });
});

describe('ConsulSource: blocking queries', () => {
  it('sends the datacenter, the token, the consistency mode and the index with a jittered wait', async () => {
    consul.register(web('w1'));
    await startSource({ token: 'secret-token', consistency: 'stale', waitMs: 100_000 });
    await eventually('a blocking health read', () => consul.reads('health/web').length >= 2);
    const [first, second] = consul.reads('health/web');
    expect(first.query.get('dc')).toBe('dc1');
    expect(first.query.has('stale')).toBe(true);
    expect(first.query.has('index')).toBe(false);
    expect(first.token).toBe('secret-token');
    expect(Number(second.query.get('index'))).toBeGreaterThan(0);
    // random() = 0.5: half of the tenth below the configured wait.
    expect(second.query.get('wait')).toBe('95000ms');
  });

  it('resyncs from index 0 when an index goes backwards', async () => {
    consul.register(web('w1'));
    const s = await startSource();
    await eventually('a blocking health read', () => consul.reads('health/web').length >= 2);

    consul.script('health/web', { index: '3' });
    await eventually('a second resync', () => sink.count('resync') === 2);
    expect(sink.calls[1].desired.reason).toMatch(/\(after GANTRY_CONSUL_INDEX_BACKWARDS: .*went back from \d+ to 3\)$/);
    expect(s.status().lastError).toMatchObject({ code: 'GANTRY_CONSUL_INDEX_BACKWARDS' });
    // The new session lists again: a second plain read.
    expect(consul.reads('health/web').filter((r) => !r.query.has('index'))).toHaveLength(2);
    expect(sink.targets('web')).toEqual({ '10.0.1.1:8080': 1 });
    await eventually('synced again', () => s.status().synced);
  });

  it('backs off on index 0 or a missing index, keeps the data, and waits from index 1', async () => {
    consul.register(web('w1'));
    consul.script('health/web', { index: '0' }, { index: null });
    const s = await startSource();
    expect(sink.targets('web')).toEqual({ '10.0.1.1:8080': 1 });
    await eventually('reads after the bad indexes', () => consul.reads('health/web').length >= 3);
    const [, second, third] = consul.reads('health/web');
    expect(second.query.get('index')).toBe('1');
    expect(third.query.get('index')).toBe('1');
    expect(s.status().lastError).toMatchObject({ code: 'GANTRY_CONSUL_INVALID_INDEX' });
    expect(sink.count('resync')).toBe(1);
  });

  it('does not query again before the minimum interval when the index did not move', async () => {
    consul.register(web('w1'));
    await startSource({ minQueryIntervalMs: 600_000 });
    await eventually('a blocking health read', () => consul.reads('health/web').length === 2);
    const index = consul.reads('health/web')[1].query.get('index');
    consul.script('health/web', { index });
    // Only the two catalog reads stay held: the health loop waits out its interval.
    await eventually('the unchanged answer', () => consul.inFlight === 2);
    // Other endpoints go on: a catalog change is still seen (and read again at once).
    consul.register({ service: 'other', id: 'o1', address: '10.0.7.1', port: 1, tags: ['gantry.upstream=o'] });
    await eventually('the new service', () => sink.targets('o')['10.0.7.1:1'] === 1);
    expect(consul.reads('health/web')).toHaveLength(2);
  });

  it('resyncs after an HTTP error, with the error in the status', async () => {
    consul.register(web('w1'));
    const s = await startSource();
    consul.script('health/web', { status: 500, body: 'rpc error: No cluster leader' });
    await eventually('a second resync', () => sink.count('resync') === 2);
    expect(s.status().lastError).toMatchObject({
      code: 'GANTRY_CONSUL_HTTP_STATUS',
      message: expect.stringContaining('answered 500: rpc error: No cluster leader'),
    });
  });

  it('gives up on a read that outlives its wait, and resyncs', async () => {
    consul.register(web('w1'));
    const s = await startSource({ waitMs: 1_000, requestTimeoutMs: 100 });
    consul.script('health/web', { hang: true });
    await eventually('a second resync', () => sink.count('resync') === 2);
    expect(s.status().lastError).toMatchObject({
      code: 'GANTRY_CONSUL_UNREACHABLE',
      message: expect.stringMatching(/timeout/i),
    });
  });

  it('resyncs after a body of the wrong shape', async () => {
    consul.register(web('w1'));
    const s = await startSource();
    consul.script('health/web', { index: '1000', body: '{"not":"a list"}' });
    await eventually('a second resync', () => sink.count('resync') === 2);
    expect(s.status().lastError?.code).toBe('GANTRY_CONSUL_BAD_RESPONSE');
  });
});

describe('ConsulSource: start and stop', () => {
  it('starts against an agent that refuses, reports it, and syncs once the agent answers', async () => {
    consul.script('catalog', { status: 403, body: 'ACL not found' });
    const s = await startSource();
    expect(sink.calls).toHaveLength(0);
    expect(s.status()).toMatchObject({ synced: false, lastError: { code: 'GANTRY_CONSUL_HTTP_STATUS' } });
    await eventually('the resync once the agent answers', () => sink.count('resync') === 1);
    expect(s.status().synced).toBe(true);
  });

  it('reports a connection refused without throwing', async () => {
    await consul.close();
    const s = await startSource();
    expect(s.status()).toMatchObject({ synced: false, lastError: { code: 'GANTRY_CONSUL_UNREACHABLE' } });
  });

  it('aborts the blocking queries in flight on stop, and refuses a second start', async () => {
    consul.register(web('w1'));
    const s = await startSource();
    await expect(s.start(sink)).rejects.toMatchObject({ code: 'GANTRY_CONSUL_ALREADY_STARTED' });
    await eventually('blocking reads held', () => consul.inFlight === 3);
    await s.stop();
    await eventually('no read held', () => consul.inFlight === 0);
    expect(s.status()).toMatchObject({ phase: 'stopped', synced: false });

    const calls = sink.calls.length;
    consul.setChecks('web', 'w1', ['critical']);
    consul.register(web('w2'));
    expect(sink.calls).toHaveLength(calls);
  });
});
