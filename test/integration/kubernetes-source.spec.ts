/**
 * The Kubernetes watcher against the real kube-apiserver of the test run (KUBECONFIG, from the global setup's
 * `k8s` component, or an existing cluster). No controller-manager runs, so the test writes the EndpointSlices
 * itself, as the EndpointSlice controller would. The watcher feeds a real Reconciler over an in-memory fold.
 */
import { asText, findByUnique, listEntities } from '@gantry/config';
import {
  createHttpKubeApi,
  KubernetesSource,
  loadKubeconfig,
  Reconciler,
  type DesiredTargets,
  type DiscoverySink,
  type KubeApi,
  type KubeEndpointSlice,
  type ReconcileReport,
  type WatchHandle,
  type WatchHandlers,
  type WatchQuery,
} from '@gantry/discovery';
import pino from 'pino';
import { serviceObject, sliceObject, type EndpointSpec } from '../../libs/discovery/src/kubernetes/testing/builders';
import { FoldingWriter } from '../../libs/discovery/src/testing/folding-writer';
import { kubeconfigPath } from '../support/infra-env';
import { KubeNamespace } from '../support/kube-namespace';

const silent = pino({ level: 'silent' });

/**
 * The real API, except that a watch of EndpointSlices can be made to start from resourceVersion 1. The API
 * server answers that with a watch `ERROR` event carrying 410 Gone ("too old resource version: 1 (N)"): its
 * watch cache only serves events after the revision it was initialised at, and etcd compacted revision 1 long
 * ago (the API server compacts every 5 minutes). That is the same answer a watcher gets when it comes back with
 * a resourceVersion that has aged out, which cannot be provoked at will while the watch cache keeps recent
 * events (compacting etcd does not expire a watch the cache serves).
 */
class ExpiringKubeApi implements KubeApi {
  private stale = false;
  private current: { handle: WatchHandle; handlers: WatchHandlers<KubeEndpointSlice> } | undefined;
  readonly sliceWatchVersions: string[] = [];

  constructor(private readonly api: KubeApi) {}

  listServices: KubeApi['listServices'] = (query) => this.api.listServices(query);
  watchServices: KubeApi['watchServices'] = (query, handlers) => this.api.watchServices(query, handlers);
  listEndpointSlices: KubeApi['listEndpointSlices'] = (query) => this.api.listEndpointSlices(query);

  watchEndpointSlices(query: WatchQuery, handlers: WatchHandlers<KubeEndpointSlice>): WatchHandle {
    const resourceVersion = this.stale ? '1' : query.resourceVersion;
    this.stale = false;
    this.sliceWatchVersions.push(resourceVersion);
    const handle = this.api.watchEndpointSlices({ ...query, resourceVersion }, handlers);
    this.current = { handle, handlers };
    return handle;
  }

  /** Cuts the slice watch off (events stop flowing) without telling the watcher yet. */
  cut(): void {
    this.current?.handle.abort();
  }

  /** Tells the watcher its watch ended (as a server timeout does); it resumes from resourceVersion 1. */
  endWithStaleResume(): void {
    this.stale = true;
    this.current?.handlers.done();
  }
}

/** Forwards to the reconciler and keeps what it was handed. */
class Recorder implements DiscoverySink {
  readonly inputs: { kind: 'resync' | 'update'; input: DesiredTargets }[] = [];
  constructor(private readonly reconciler: Reconciler) {}
  resync(snapshot: DesiredTargets): Promise<ReconcileReport> {
    this.inputs.push({ kind: 'resync', input: snapshot });
    return this.reconciler.resync(snapshot);
  }
  update(delta: DesiredTargets): Promise<ReconcileReport> {
    this.inputs.push({ kind: 'update', input: delta });
    return this.reconciler.update(delta);
  }
}

const NAMESPACE = `gantry-it-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const SLICES = `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices`;

let namespace: KubeNamespace | undefined;
let writer: FoldingWriter;
let reconciler: Reconciler;
let recorder: Recorder;
let api: ExpiringKubeApi;
let source: KubernetesSource;

const kube = (method: string, path: string, body?: unknown): Promise<unknown> => namespace!.request(method, path, body);
const putSlice = (name: string, endpoints: EndpointSpec[]): Promise<void> =>
  namespace!.putSlice(name, 'orders', endpoints);

/** The targets of an upstream in the fold: address → weight. */
function fold(upstream: string): Record<string, number> {
  const state = writer.fold.state;
  const up = findByUnique(state, 'upstreams', 'name', upstream);
  if (up === undefined) return {};
  const out: Record<string, number> = {};
  for (const t of listEntities(state, 'targets')) {
    if ((t.upstream as { id: string }).id === up.id) out[asText(t.target)] = t.weight as number;
  }
  return out;
}

/** Polls until `check` passes; fails with its last error after 20 s. */
async function eventually(check: () => void): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

beforeAll(async () => {
  const file = kubeconfigPath();
  namespace = new KubeNamespace(NAMESPACE);
  // Unreachable or refusing API server: this throws and every test fails (never skips).
  await namespace.create();
  await kube(
    'POST',
    `/api/v1/namespaces/${NAMESPACE}/services`,
    serviceObject(NAMESPACE, 'orders', { annotations: { 'gantry.io/upstream': `${NAMESPACE}-orders` } }),
  );
  await kube('POST', `/api/v1/namespaces/${NAMESPACE}/services`, serviceObject(NAMESPACE, 'ignored'));

  writer = new FoldingWriter();
  reconciler = new Reconciler({
    source: 'k8s:it',
    fold: writer.fold,
    writer,
    logger: silent,
    emptyGraceMs: 0,
    minChangeIntervalMs: 0,
  });
  recorder = new Recorder(reconciler);
  api = new ExpiringKubeApi(createHttpKubeApi(loadKubeconfig(file)));
  source = new KubernetesSource({
    cluster: 'it',
    api,
    namespaces: [NAMESPACE],
    upstreamDefaults: { algorithm: 'round-robin' },
    retry: { minDelayMs: 100, maxDelayMs: 1_000 },
    logger: silent,
  });
});

afterAll(async () => {
  await source?.stop();
  await reconciler?.close();
  await namespace?.remove();
});

const UPSTREAM = `${NAMESPACE}-orders`;

describe('KubernetesSource against a real kube-apiserver', () => {
  it('lists, then turns slice changes into targets: ready, terminating (drained), deleted (gone)', async () => {
    await putSlice('orders-a', [{ ip: '10.20.0.1', ready: true }]);
    await kube(
      'POST',
      SLICES,
      sliceObject(NAMESPACE, 'ignored-a', 'ignored', [{ ip: '10.20.9.9', ready: true }]), // unannotated Service
    );

    await source.start(recorder);
    await eventually(() => expect(source.status().synced).toBe(true));
    expect(recorder.inputs[0].kind).toBe('resync');
    expect(recorder.inputs[0].input.upstreams).toEqual([
      {
        name: UPSTREAM,
        targets: [{ target: '10.20.0.1:8080', weight: 100, tags: [`k8s-service:${NAMESPACE}.orders`] }],
        create: { algorithm: 'round-robin' },
      },
    ]);
    await eventually(() => expect(fold(UPSTREAM)).toEqual({ '10.20.0.1:8080': 100 }));

    await putSlice('orders-a', [
      { ip: '10.20.0.1', ready: true },
      { ip: '10.20.0.2', ready: true },
    ]);
    await eventually(() => expect(fold(UPSTREAM)).toEqual({ '10.20.0.1:8080': 100, '10.20.0.2:8080': 100 }));

    await putSlice('orders-a', [
      { ip: '10.20.0.1', ready: true },
      { ip: '10.20.0.2', ready: false, serving: true, terminating: true },
    ]);
    await eventually(() => expect(fold(UPSTREAM)).toEqual({ '10.20.0.1:8080': 100, '10.20.0.2:8080': 0 }));

    await putSlice('orders-b', [{ ip: '10.20.1.1', ready: true }]);
    await eventually(() => expect(fold(UPSTREAM)).toHaveProperty(['10.20.1.1:8080'], 100));

    await kube('DELETE', `${SLICES}/orders-a`);
    await eventually(() => expect(fold(UPSTREAM)).toEqual({ '10.20.1.1:8080': 100 }));

    const updates = recorder.inputs.filter((i) => i.kind === 'update').map((i) => i.input.reason);
    expect(updates.at(-1)).toMatch(
      new RegExp(`^k8s it: resourceVersion \\d+ -> \\d+: DELETED endpointslice ${NAMESPACE}/orders-a$`),
    );
    const events = writer.eventsBy('discovery:k8s:it');
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.every((e) => e.source === 'discovery')).toBe(true);
    expect(source.status()).toMatchObject({ relists: 0, gone: 0, mappedServices: 1, services: 2, slices: 2 });
  });

  it('re-lists after 410 Gone and catches up with what changed while the watch was down', async () => {
    const before = recorder.inputs.length;
    api.cut();
    await putSlice('orders-b', [
      { ip: '10.20.1.1', ready: false, serving: false, terminating: true },
      { ip: '10.20.1.2', ready: true },
    ]);
    api.endWithStaleResume();

    await eventually(() => expect(source.status().gone).toBe(1));
    await eventually(() => expect(source.status().synced).toBe(true));
    expect(api.sliceWatchVersions).toContain('1');
    expect(source.status().relists).toBe(1);
    expect(source.status().lastError).toMatch(/endpointslices@.*too old resource version: 1 \(\d+\)/);

    const after = recorder.inputs.slice(before);
    expect(after.map((i) => i.kind)).toEqual(['resync']);
    expect(after[0].input.reason).toMatch(/re-list of endpointslices@\S+ after 410 Gone at resourceVersion \d+$/);
    await eventually(() => expect(fold(UPSTREAM)).toEqual({ '10.20.1.1:8080': 0, '10.20.1.2:8080': 100 }));

    // Watching again after the re-list: the next change arrives as a delta.
    await kube('DELETE', `${SLICES}/orders-b`);
    await eventually(() => expect(fold(UPSTREAM)).toEqual({}));
    expect(recorder.inputs.at(-1)?.kind).toBe('update');
  });
});
