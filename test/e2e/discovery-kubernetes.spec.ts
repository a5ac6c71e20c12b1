/**
 * Kubernetes discovery with the proxy in the loop (real kube-apiserver, Kafka, Cassandra): the endpoints of an
 * annotated Service receive traffic through Gantry, a terminating endpoint is drained (weight 0) and a deleted
 * slice's targets go (after the empty-payload grace when nothing is left), a hand-made target on the same
 * upstream survives every sync, and every change is an audited config event.
 *
 * No controller-manager runs: the test writes the EndpointSlices as the EndpointSlice controller would. The API
 * server refuses loopback endpoint addresses, so the upstream servers listen on an address of this machine.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { AdminClient } from '../conformance/admin/client';
import { serviceObject, type EndpointSpec } from '../../libs/discovery/src/kubernetes/testing/builders';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { storedConfigEvents, targetChanges } from '../support/config-audit';
import { GantryCluster } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { kubeconfigPath } from '../support/infra-env';
import { KubeNamespace } from '../support/kube-namespace';
import { UpstreamServer, type Echo } from '../support/upstream-server';

jest.setTimeout(300_000);

const GRACE_MS = 4_000;
const CLUSTER = 'e2e';
const OWNER = `discovery:k8s:${CLUSTER}`;
const NAMESPACE = `gantry-e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const SERVICE = 'web';
const upstream = `k8s-${NAMESPACE}`;

const cluster = new GantryCluster();
const namespace = new KubeNamespace(NAMESPACE);
let namespaceCreated = false;
let admin: AdminClient;
let servers: UpstreamServer[] = [];
let hostIp: string;

/** An IPv4 address of this machine other than loopback (what an endpoint address may be). */
function machineAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  throw new Error('this machine has no IPv4 address other than loopback, which an EndpointSlice could name');
}

/**
 * One slice per upstream server: both listen on this machine's one address, on ports of their own, and the
 * EndpointSlice controller writes endpoints whose ports differ into separate slices of the Service.
 */
async function putSlice(server: UpstreamServer, conditions: Omit<EndpointSpec, 'ip'>): Promise<void> {
  await namespace.putSlice(`${SERVICE}-${server.name}`, SERVICE, [{ ip: hostIp, ...conditions }], {
    ports: [{ name: 'http', port: server.port }],
  });
}

/** Which upstream servers answer through the proxy, over `n` requests. */
async function answering(n = 12): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const answer = await http(cluster.proxies[0].url, `/${upstream}`);
    seen.add(answer.status === 200 ? (answer.json as Echo).upstream : `status ${answer.status}`);
  }
  return seen;
}

/** The upstream's targets, address → weight. */
async function targets(): Promise<Record<string, number>> {
  const answer = await admin.get(`/upstreams/${upstream}/targets`);
  if (answer.status !== 200) return {};
  const list = answer.body.data as { target: string; weight: number }[];
  return Object.fromEntries(list.map((t) => [t.target, t.weight]));
}

function discoveryEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-discovery-'));
  const file = join(dir, 'discovery.yaml');
  writeFileSync(
    file,
    [
      `kubernetes:`,
      `  - kubeconfig: ${kubeconfigPath()}`,
      `    cluster: ${CLUSTER}`,
      `    namespaces: [${NAMESPACE}]`,
      `reconciler:`,
      `  empty_grace_ms: ${GRACE_MS}`,
      '',
    ].join('\n'),
  );
  return { GANTRY_DISCOVERY_CONFIG: file };
}

beforeAll(async () => {
  hostIp = machineAddress();
  // Unreachable or refusing API server: this throws and every test fails (never skips).
  await namespace.create();
  namespaceCreated = true;
  await namespace.createService(serviceObject(NAMESPACE, SERVICE, { annotations: { 'gantry.io/upstream': upstream } }));
  servers = await Promise.all([
    new UpstreamServer('k8s-a').start(0, hostIp),
    new UpstreamServer('k8s-b').start(0, hostIp),
    new UpstreamServer('hand-made').start(),
  ]);
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startDiscovery(discoveryEnv());
  // The upstream is created by discovery (auto-create); the service names it.
  expect((await admin.post('/services', { name: upstream, host: upstream, port: 80 })).status).toBe(201);
  expect((await admin.post(`/services/${upstream}/routes`, { paths: [`/${upstream}`] })).status).toBe(201);
});

afterAll(async () => {
  await cluster.stop();
  await Promise.all(servers.map((s) => s.close()));
  if (namespaceCreated) await namespace.remove();
});

describe('Kubernetes discovery', () => {
  it('routes to ready endpoints, drains a terminating one, removes deleted slices, keeps a hand-made target', async () => {
    const [a, b, handMade] = servers;
    await putSlice(a, { ready: true });
    await putSlice(b, { ready: true });
    await eventually(
      async () => isDeepStrictEqual(await targets(), { [a.target]: 100, [b.target]: 100 }),
      30_000,
      'discovered targets',
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await targets())}`);
    });
    expect((await admin.post(`/upstreams/${upstream}/targets`, { target: handMade.target, weight: 100 })).status).toBe(
      201,
    );
    await cluster.converge();
    let lastSeen = new Set<string>();
    await eventually(async () => (lastSeen = await answering()).size === 3, 20_000, 'three upstreams answering').catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${[...lastSeen].join(', ')}`);
      },
    );

    // Terminating, still serving (a pod shutting down gracefully): drained, kept with weight 0.
    await putSlice(b, { ready: false, serving: true, terminating: true });
    await eventually(async () => (await targets())[b.target] === 0, 30_000, 'k8s-b drained');
    await eventually(
      async () => {
        const seen = await answering();
        return !seen.has('k8s-b') && seen.has('k8s-a') && seen.has('hand-made');
      },
      30_000,
      'k8s-b out of rotation',
    );

    // Its slice deleted: the target goes at once, k8s-a still being reported.
    await namespace.deleteSlice(`${SERVICE}-${b.name}`);
    await eventually(async () => !(b.target in (await targets())), 30_000, 'k8s-b removed');

    // The last slice deleted: no endpoint at all, which the empty-payload grace holds for a while...
    const deletedAt = Date.now();
    await namespace.deleteSlice(`${SERVICE}-${a.name}`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const seen = await answering();
    if (Date.now() - deletedAt < GRACE_MS) expect(seen.has('k8s-a')).toBe(true);
    // ...then lets go: its target goes; the hand-made target is untouched.
    await eventually(async () => !(await answering()).has('k8s-a'), 30_000, 'k8s-a removed');
    expect(Date.now() - deletedAt).toBeGreaterThanOrEqual(GRACE_MS);
    expect(await targets()).toEqual({ [handMade.target]: 100 });
    expect(await answering()).toEqual(new Set(['hand-made']));
  });

  it('records every change as a config event with its source, actor and reason', async () => {
    const [a, b, handMade] = servers;
    const version = await cluster.converge();
    const events = await storedConfigEvents(cluster.keyspace, version);
    const upstreamId = ((await admin.get(`/upstreams/${upstream}`)).body as { id: string }).id;
    const changes = targetChanges(events, upstreamId);
    const discovered = changes.filter((c) => c.tags.includes(OWNER));

    // What the sync did, in order: both endpoints created (in either order, maybe in one changeset), k8s-b
    // drained then deleted, k8s-a deleted last.
    const steps = discovered.map((c) => [c.change.op, c.target, c.weight]);
    expect(steps.slice(0, 2)).toEqual(
      expect.arrayContaining([
        ['create', a.target, 100],
        ['create', b.target, 100],
      ]),
    );
    expect(steps.slice(2)).toEqual([
      ['update', b.target, 0],
      ['delete', b.target, undefined],
      ['delete', a.target, undefined],
    ]);
    for (const { event } of discovered) {
      expect(event).toMatchObject({ source: 'discovery', actor: OWNER });
      expect(typeof event.reason === 'string' && event.reason.length > 0).toBe(true);
    }
    expect(discovered.at(-1)?.event.reason).toMatch(new RegExp(`empty-payload grace period of ${GRACE_MS} ms ended`));
    // The upstream discovery created is audited the same way.
    const created = events.find((e) => e.changes.some((c) => c.kind === 'upstreams' && c.key === upstreamId));
    expect(created).toMatchObject({ source: 'discovery', actor: OWNER });

    const byHand = changes.filter((c) => c.target === handMade.target);
    expect(byHand.map((c) => [c.change.op, c.event.source])).toEqual([['create', 'admin']]);
  });
});
