import pino from 'pino';
import type { DesiredTargets } from '../desired';
import type { ReconcileReport } from '../report';
import type { DiscoverySink } from '../source';
import { ManualClock } from '../testing/manual-clock';
import { InvalidKubernetesOptionsError, KubeApiError } from './errors';
import { KubernetesSource } from './kubernetes-source';
import type { KubernetesSourceOptions } from './options';
import { serviceObject, sliceObject } from './testing/builders';
import { FakeKubeApi } from './testing/fake-kube-api';

const silent = pino({ level: 'silent' });
const REPORT = { outcome: 'unchanged' } as ReconcileReport;

/** A sink that records what it is handed. */
class RecordingSink implements DiscoverySink {
  readonly calls: { kind: 'resync' | 'update'; input: DesiredTargets }[] = [];
  resync(snapshot: DesiredTargets): Promise<ReconcileReport> {
    this.calls.push({ kind: 'resync', input: snapshot });
    return Promise.resolve(REPORT);
  }
  update(delta: DesiredTargets): Promise<ReconcileReport> {
    this.calls.push({ kind: 'update', input: delta });
    return Promise.resolve(REPORT);
  }
  get resyncs(): DesiredTargets[] {
    return this.calls.filter((c) => c.kind === 'resync').map((c) => c.input);
  }
  get updates(): DesiredTargets[] {
    return this.calls.filter((c) => c.kind === 'update').map((c) => c.input);
  }
  get last(): DesiredTargets {
    return this.calls[this.calls.length - 1].input;
  }
}

/** upstream → { target: weight } of one snapshot or delta. */
function weights(input: DesiredTargets): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const u of input.upstreams) out[u.name] = Object.fromEntries(u.targets.map((t) => [t.target, t.weight]));
  return out;
}

const ANNOTATED = { 'gantry.io/upstream': 'orders' };

let api: FakeKubeApi;
let clock: ManualClock;
let sink: RecordingSink;
let source: KubernetesSource | undefined;

/** Lets promise chains (lists, the loop, batched deltas) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await settle();
}

async function start(options: Partial<KubernetesSourceOptions> = {}): Promise<KubernetesSource> {
  source = new KubernetesSource({ cluster: 'test', api, clock, timers: clock, logger: silent, ...options });
  await source.start(sink);
  await settle();
  return source;
}

beforeEach(() => {
  api = new FakeKubeApi();
  clock = new ManualClock();
  sink = new RecordingSink();
  source = undefined;
});

afterEach(async () => {
  await source?.stop();
});

describe('KubernetesSource: list, then a snapshot', () => {
  it('maps annotated Services to upstreams and hands one snapshot once Services and slices are listed', async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    api.services.put(serviceObject('shop', 'unannotated'));
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1', ready: true }, { ip: '10.0.0.2' }]));
    api.slices.put(sliceObject('shop', 'unannotated-a', 'unannotated', [{ ip: '10.0.0.9', ready: true }]));
    api.slices.put(
      sliceObject('shop', 'orders-v6', 'orders', [{ ip: 'fd00::7', ready: true }], { addressType: 'IPv6' }),
    );

    const s = await start();

    expect(sink.calls.map((c) => c.kind)).toEqual(['resync']);
    expect(weights(sink.last)).toEqual({
      orders: { '10.0.0.1:8080': 100, '10.0.0.2:8080': 100, '[fd00::7]:8080': 100 },
    });
    expect(sink.last.upstreams[0].targets[0].tags).toEqual(['k8s-service:shop.orders']);
    expect(sink.last.upstreams[0].create).toEqual({});
    expect(sink.last.reason).toMatch(/^k8s test: initial list at resourceVersion \d+$/);
    expect(s.id).toBe('k8s:test');
    expect(s.status()).toMatchObject({
      source: 'k8s:test',
      synced: true,
      services: 2,
      mappedServices: 1,
      slices: 3,
      endpoints: 4,
      upstreams: 1,
      targets: 3,
      relists: 0,
      lastError: null,
      resyncs: 1,
    });
  });

  it('auto-creates upstreams with the configured defaults, or not at all with null', async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    await start({ upstreamDefaults: { algorithm: 'least-connections' } });
    expect(sink.last.upstreams).toEqual([{ name: 'orders', targets: [], create: { algorithm: 'least-connections' } }]);
    await source!.stop();
    await start({ upstreamDefaults: null });
    expect(sink.last.upstreams).toEqual([{ name: 'orders', targets: [] }]);
  });

  it('lists in pages and watches from the list resourceVersion, with bookmarks', async () => {
    for (let i = 0; i < 5; i++) api.slices.put(sliceObject('shop', `orders-${i}`, 'orders', [{ ip: `10.0.0.${i}` }]));
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    await start({ pageSize: 2 });

    expect(api.slices.lists.map((q) => q.continue)).toEqual([undefined, '2', '4']);
    expect(Object.keys(weights(sink.last).orders)).toHaveLength(5);
    const listed = sink.last.reason.match(/resourceVersion (\d+)/)![1];
    expect(api.slices.last.query).toMatchObject({ resourceVersion: listed, timeoutSeconds: 300 });
    expect(api.services.last.query.resourceVersion).toBe(listed);
  });

  it('waits for every stream before the first snapshot, and includes the events seen meanwhile', async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    api.slices.listFailures.push(new KubeApiError('boom', 500));
    await start();
    expect(sink.calls).toEqual([]);

    api.slices.putQuietly(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1' }]));
    api.services.put(serviceObject('shop', 'orders', { annotations: { 'gantry.io/upstream': 'orders-v2' } }));
    await settle();
    expect(sink.calls).toEqual([]);

    await advance(500); // the slices' backoff
    expect(sink.calls.map((c) => c.kind)).toEqual(['resync']);
    expect(weights(sink.last)).toEqual({ 'orders-v2': { '10.0.0.1:8080': 100 } });
  });
});

describe('KubernetesSource: watch events become deltas', () => {
  beforeEach(async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1', ready: true }]));
    await start();
    sink.calls.length = 0;
  });

  it('ready gets the weight; terminating, not serving or not ready are drained (0) while listed; gone is removed', async () => {
    const update = async (endpoints: Parameters<typeof sliceObject>[3]) => {
      api.slices.put(sliceObject('shop', 'orders-a', 'orders', endpoints));
      await settle();
      return weights(sink.last);
    };

    expect(
      await update([
        { ip: '10.0.0.1', ready: true },
        { ip: '10.0.0.2', ready: true },
      ]),
    ).toEqual({
      orders: { '10.0.0.1:8080': 100, '10.0.0.2:8080': 100 },
    });
    expect(
      await update([
        { ip: '10.0.0.1', ready: true },
        { ip: '10.0.0.2', ready: false, serving: true, terminating: true },
      ]),
    ).toEqual({ orders: { '10.0.0.1:8080': 100, '10.0.0.2:8080': 0 } });
    expect(
      await update([
        { ip: '10.0.0.1', ready: false, serving: false },
        { ip: '10.0.0.2', ready: false, serving: false, terminating: true },
      ]),
    ).toEqual({ orders: { '10.0.0.1:8080': 0, '10.0.0.2:8080': 0 } });
    expect(await update([{ ip: '10.0.0.1', ready: true }])).toEqual({ orders: { '10.0.0.1:8080': 100 } });

    api.slices.remove('shop', 'orders-a');
    await settle();
    expect(sink.last.upstreams).toEqual([{ name: 'orders', targets: [], create: {} }]);
    expect(sink.calls.map((c) => c.kind)).toEqual(['update', 'update', 'update', 'update', 'update']);
    expect(sink.last.reason).toMatch(/^k8s test: resourceVersion \d+ -> \d+: DELETED endpointslice shop\/orders-a$/);
  });

  it('hands the complete list of the upstream, over all its slices, and one delta per burst', async () => {
    api.slices.put(sliceObject('shop', 'orders-b', 'orders', [{ ip: '10.0.0.5', ready: true }]));
    api.slices.put(sliceObject('shop', 'orders-c', 'orders', [{ ip: '10.0.0.6', ready: true }]));
    await settle();
    expect(sink.calls).toHaveLength(1);
    expect(weights(sink.last)).toEqual({
      orders: { '10.0.0.1:8080': 100, '10.0.0.5:8080': 100, '10.0.0.6:8080': 100 },
    });
    expect(sink.last.reason).toContain('ADDED endpointslice shop/orders-b, ADDED endpointslice shop/orders-c');
  });

  it('hands nothing for a change that changes no target', async () => {
    api.slices.put({ ...sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1', ready: true }]) });
    api.slices.put(sliceObject('shop', 'other-a', 'other', [{ ip: '10.0.0.8' }]));
    api.slices.put(sliceObject('shop', 'orphan', undefined, [{ ip: '10.0.0.9' }]));
    await settle();
    expect(sink.calls).toEqual([]);
    expect(source!.status().slices).toBe(2); // the unlabelled slice is not even watched
  });

  it('advances the resourceVersion with bookmarks and resumes a watch the server ended from there', async () => {
    const watches = api.slices.watches.length;
    api.slices.bookmark('4242');
    await settle();
    expect(source!.status().streams.find((s) => s.stream === 'endpointslices')).toMatchObject({
      resourceVersion: '4242',
      bookmarks: 1,
    });

    api.slices.end(); // the server's timeoutSeconds
    await settle();
    expect(api.slices.watches).toHaveLength(watches + 1);
    expect(api.slices.last.query.resourceVersion).toBe('4242');
    expect(api.slices.lists).toHaveLength(1); // resumed, not re-listed
    expect(sink.calls).toEqual([]);
    expect(source!.status().resourceVersion).toBe('4242');
  });

  it('moves targets when the annotation changes, and empties the upstream when its Service goes', async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: { 'gantry.io/upstream': 'orders-v2' } }));
    await settle();
    expect(weights(sink.last)).toEqual({ orders: {}, 'orders-v2': { '10.0.0.1:8080': 100 } });

    api.services.remove('shop', 'orders');
    await settle();
    expect(weights(sink.last)).toEqual({ 'orders-v2': {} });
    expect(sink.last.reason).toContain('DELETED service shop/orders');
  });
});

describe('KubernetesSource: lost watches', () => {
  beforeEach(async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1', ready: true }]));
    await start();
  });

  it('re-lists at once on 410 Gone and hands a full snapshot of what changed meanwhile', async () => {
    api.slices.putQuietly(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.2', ready: true }]));
    const watch = api.slices.last;
    api.slices.error({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (220)' });
    await settle();

    expect(watch.aborted).toBe(true);
    expect(api.slices.lists).toHaveLength(2);
    expect(sink.calls.map((c) => c.kind)).toEqual(['resync', 'resync']);
    expect(weights(sink.last)).toEqual({ orders: { '10.0.0.2:8080': 100 } });
    expect(sink.last.reason).toMatch(/re-list of endpointslices after 410 Gone at resourceVersion \d+$/);
    expect(source!.status()).toMatchObject({ relists: 1, gone: 1, synced: true });
    expect(source!.status().lastError).toContain('too old resource version');
    expect(api.slices.open).toHaveLength(1);
  });

  it('re-lists at once when a list continue token has expired (410 on the list)', async () => {
    api.slices.listFailures.push(new KubeApiError('the continue token expired', 410, 'Expired'));
    api.slices.error({ code: 410, message: 'too old resource version' });
    await settle();
    expect(api.slices.lists).toHaveLength(3);
    expect(source!.status()).toMatchObject({ gone: 2, relists: 1 });
  });

  it('re-lists after a backoff that grows with each failure, on any other watch error', async () => {
    api.slices.end(new Error('socket hang up'));
    await settle();
    expect(api.slices.lists).toHaveLength(1);
    expect(source!.status()).toMatchObject({
      synced: false,
      phase: 'backoff',
      lastError: 'endpointslices: socket hang up',
    });

    api.slices.listFailures.push(new KubeApiError('Forbidden', 403, 'Forbidden'));
    await advance(499);
    expect(api.slices.lists).toHaveLength(1);
    await advance(1); // 500 ms, then the list fails
    expect(api.slices.lists).toHaveLength(2);
    await advance(999);
    expect(api.slices.lists).toHaveLength(2);
    await advance(1); // 1000 ms
    expect(api.slices.lists).toHaveLength(3);
    expect(sink.calls.map((c) => c.kind)).toEqual(['resync', 'resync']);
    expect(sink.last.reason).toContain('re-list of endpointslices after a watch error');
    expect(source!.status()).toMatchObject({ synced: true, phase: 'watching', relists: 1 });
  });

  it('treats a watch silent past its timeout as dead', async () => {
    const watch = api.slices.last;
    await advance(300_000 + 30_000);
    expect(watch.aborted).toBe(true);
    expect(source!.status().lastError).toContain('stayed silent');
    await advance(500);
    expect(api.slices.lists).toHaveLength(2);
  });

  it('an ERROR event other than 410 backs off too', async () => {
    api.services.error({ code: 500, message: 'etcdserver: request timed out' });
    await settle();
    expect(api.services.lists).toHaveLength(1);
    await advance(500);
    expect(api.services.lists).toHaveLength(2);
    expect(sink.last.reason).toContain('re-list of services after a watch error');
  });

  it('stop() aborts the watches, and nothing reaches the sink afterwards', async () => {
    const calls = sink.calls.length;
    await source!.stop();
    expect(api.slices.open).toHaveLength(0);
    expect(api.services.open).toHaveLength(0);
    expect(api.slices.watches.every((w) => w.aborted || w.ended)).toBe(true);
    await advance(60_000);
    expect(sink.calls).toHaveLength(calls);
    expect(source!.status().streams.every((s) => s.phase === 'stopped')).toBe(true);
  });
});

describe('KubernetesSource: annotations', () => {
  const twoPorts = [
    { name: 'http', port: 80, targetPort: 8080 },
    { name: 'admin', port: 9000, targetPort: 9090 },
  ];
  const twoSlicePorts = [
    { name: 'http', port: 8080 },
    { name: 'admin', port: 9090 },
  ];

  async function mapped(annotations: Record<string, string>, options: Partial<KubernetesSourceOptions> = {}) {
    api.services.put(serviceObject('shop', 'orders', { annotations, ports: twoPorts }));
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1' }], { ports: twoSlicePorts }));
    const s = await start(options);
    return { targets: weights(sink.last), status: s.status() };
  }

  it('gantry.io/port names the port by name', async () => {
    const { targets } = await mapped({ ...ANNOTATED, 'gantry.io/port': 'admin' });
    expect(targets).toEqual({ orders: { '10.0.0.1:9090': 100 } });
  });

  it('gantry.io/port names the port by Service port number, or else by target port number', async () => {
    expect((await mapped({ ...ANNOTATED, 'gantry.io/port': '9000' })).targets).toEqual({
      orders: { '10.0.0.1:9090': 100 },
    });
    await source!.stop();
    api = new FakeKubeApi();
    expect((await mapped({ ...ANNOTATED, 'gantry.io/port': '8080' })).targets).toEqual({
      orders: { '10.0.0.1:8080': 100 },
    });
  });

  it('a Service with several ports and no gantry.io/port gives no target, and says why', async () => {
    const { targets, status } = await mapped(ANNOTATED);
    expect(targets).toEqual({});
    expect(status.problems).toEqual([
      {
        object: 'service shop/orders',
        upstream: 'orders',
        problem: 'the Service has 2 TCP ports; name one with gantry.io/port',
      },
    ]);
  });

  it('gantry.io/weight sets the weight of ready endpoints; a bad one falls back to the default', async () => {
    expect((await mapped({ ...ANNOTATED, 'gantry.io/port': 'http', 'gantry.io/weight': '7' })).targets).toEqual({
      orders: { '10.0.0.1:8080': 7 },
    });
    await source!.stop();
    api = new FakeKubeApi();
    const bad = await mapped({ ...ANNOTATED, 'gantry.io/port': 'http', 'gantry.io/weight': 'heavy' }, { weight: 10 });
    expect(bad.targets).toEqual({ orders: { '10.0.0.1:8080': 10 } });
    expect(bad.status.problems[0].problem).toContain('gantry.io/weight "heavy"');
  });

  it('mapUnannotated maps every Service to <namespace>.<name>; another prefix reads other annotations', async () => {
    api.services.put(serviceObject('shop', 'cart'));
    api.services.put(serviceObject('shop', 'orders', { annotations: { 'example.com/upstream': 'orders' } }));
    api.slices.put(sliceObject('shop', 'cart-a', 'cart', [{ ip: '10.0.0.3' }]));
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.4' }]));
    await start({ mapUnannotated: true, annotationPrefix: 'example.com' });
    expect(weights(sink.last)).toEqual({ orders: { '10.0.0.4:8080': 100 }, 'shop.cart': { '10.0.0.3:8080': 100 } });
  });

  it('a Service without ports takes the only TCP port of each slice', async () => {
    api.services.put({ ...serviceObject('shop', 'orders', { annotations: ANNOTATED }), spec: { ports: [] } });
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1' }], { ports: [{ port: 7000 }] }));
    await start();
    expect(weights(sink.last)).toEqual({ orders: { '10.0.0.1:7000': 100 } });
  });

  it('two Services annotated with one upstream share it', async () => {
    api.services.put(serviceObject('shop', 'orders', { annotations: ANNOTATED }));
    api.services.put(serviceObject('shop', 'orders-canary', { annotations: ANNOTATED }));
    api.slices.put(sliceObject('shop', 'orders-a', 'orders', [{ ip: '10.0.0.1' }]));
    api.slices.put(sliceObject('shop', 'orders-canary-a', 'orders-canary', [{ ip: '10.0.0.2' }]));
    await start();
    expect(weights(sink.last)).toEqual({ orders: { '10.0.0.1:8080': 100, '10.0.0.2:8080': 100 } });
  });
});

describe('KubernetesSource: namespaces and selectors', () => {
  it('watches each namespace on its own, and selects Services by label and slices by their Service', async () => {
    for (const ns of ['shop', 'billing', 'other']) {
      api.services.put(serviceObject(ns, 'api', { annotations: { 'gantry.io/upstream': `${ns}-api` } }));
      api.slices.put(sliceObject(ns, 'api-a', 'api', [{ ip: `10.1.${ns.length}.1` }]));
    }
    api.services.put(
      serviceObject('shop', 'batch', { annotations: { 'gantry.io/upstream': 'batch' }, labels: { tier: 'batch' } }),
    );
    api.slices.put(sliceObject('shop', 'batch-a', 'batch', [{ ip: '10.9.9.9' }]));

    const s = await start({ namespaces: ['shop', 'billing'], labelSelector: 'tier!=batch' });

    expect(api.services.lists.map((q) => [q.namespace, q.labelSelector])).toEqual([
      ['shop', 'tier!=batch'],
      ['billing', 'tier!=batch'],
    ]);
    expect(api.slices.lists.map((q) => [q.namespace, q.labelSelector])).toEqual([
      ['shop', 'kubernetes.io/service-name'],
      ['billing', 'kubernetes.io/service-name'],
    ]);
    expect(sink.resyncs).toHaveLength(1);
    expect(weights(sink.last)).toEqual({
      'billing-api': { '10.1.7.1:8080': 100 },
      'shop-api': { '10.1.4.1:8080': 100 },
    });
    expect(s.status().streams.map((x) => x.stream)).toEqual([
      'services@shop',
      'endpointslices@shop',
      'services@billing',
      'endpointslices@billing',
    ]);

    // A re-list of one namespace's slices keeps the other namespace's.
    api.slices.watches
      .find((w) => w.query.namespace === 'shop' && !w.aborted)!
      .handlers.event({
        type: 'ERROR',
        object: { code: 410, message: 'too old' } as never,
      });
    await settle();
    expect(weights(sink.last)).toEqual({
      'billing-api': { '10.1.7.1:8080': 100 },
      'shop-api': { '10.1.4.1:8080': 100 },
    });
  });

  it('ANDs an EndpointSlice label selector with the service-name label', async () => {
    await start({
      endpointSliceLabelSelector: 'endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io',
    });
    expect(api.slices.lists[0].labelSelector).toBe(
      'kubernetes.io/service-name,endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io',
    );
  });
});

describe('KubernetesSource: options', () => {
  const base = () => ({ cluster: 'prod', api: new FakeKubeApi() });

  it.each([
    [{ cluster: '' }, /cluster/],
    [{ cluster: 'a b' }, /invalid discovery source id/],
    [{ api: {} }, /api must implement KubeApi/],
    [{ namespaces: ['Shop'] }, /invalid namespace "Shop"/],
    [{ namespaces: ['a', 'a'] }, /must not repeat/],
    [{ weight: 70_000 }, /weight must be an integer/],
    [{ labelSelector: ' ' }, /labelSelector/],
    [{ annotationPrefix: 'Gantry.IO' }, /annotationPrefix/],
    [{ upstreamDefaults: { algorithm: 'random-ish' } }, /upstreamDefaults/],
    [{ watchTimeoutSeconds: 0 }, /watchTimeoutSeconds/],
  ])('refuses %j', (override, message) => {
    expect(() => new KubernetesSource({ ...base(), ...(override as object) })).toThrow(message);
    try {
      new KubernetesSource({ ...base(), ...(override as object) });
    } catch (error) {
      expect((error as { code: string }).code).toMatch(/^GANTRY_DISCOVERY_INVALID_(OPTIONS|SOURCE)$/);
    }
  });

  it('errors carry codes', () => {
    expect(new InvalidKubernetesOptionsError('x').code).toBe('GANTRY_DISCOVERY_INVALID_OPTIONS');
    expect(new KubeApiError('x', 410).code).toBe('GANTRY_DISCOVERY_K8S_API');
  });

  it('start() resolves once the first snapshot was handed over, or once the first attempt failed', async () => {
    const s = new KubernetesSource({ cluster: 'a', api, clock, timers: clock, logger: silent });
    await s.start(sink);
    expect(sink.calls.map((c) => c.kind)).toEqual(['resync']);
    await s.stop();

    const failing = new FakeKubeApi();
    failing.services.listFailures.push(new Error('connect ECONNREFUSED'));
    const t = new KubernetesSource({ cluster: 'b', api: failing, clock, timers: clock, logger: silent });
    await t.start(sink);
    expect(t.status()).toMatchObject({ synced: false, lastError: 'services: connect ECONNREFUSED' });
    await t.stop();
    expect(t.status().phase).toBe('stopped');
  });

  it('starts once', async () => {
    const s = await start();
    await expect(s.start(sink)).rejects.toThrow('already started');
  });
});
