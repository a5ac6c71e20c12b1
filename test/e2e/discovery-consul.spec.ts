/**
 * Consul discovery with the proxy in the loop (real Consul, Kafka, Cassandra): a service registered in Consul
 * receives traffic through Gantry, stops receiving it when its health check fails and when it is deregistered,
 * a hand-made target on the same upstream survives every sync, every change is an audited config event, and a
 * standby discovery process takes over when the leader dies.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdminClient } from '../conformance/admin/client';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { storedConfigEvents, targetChanges } from '../support/config-audit';
import { GantryCluster } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { consulAddress } from '../support/infra-env';
import { UpstreamServer, startUpstreams, type Echo } from '../support/upstream-server';

jest.setTimeout(300_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let servers: UpstreamServer[];
const consul = (path: string, init: RequestInit = {}) => fetch(`${consulAddress()}${path}`, init);
const service = `gantry-e2e-${Date.now().toString(36)}`;
const upstream = `consul-${service}`;

async function register(id: string, server: UpstreamServer): Promise<void> {
  const body = {
    ID: id,
    Name: service,
    Address: '127.0.0.1',
    Port: server.port,
    Tags: [`gantry.upstream=${upstream}`],
    // Consul's weights become target weights (its default, 1, would starve them next to a weight-100 target).
    Weights: { Passing: 100, Warning: 1 },
    Check: { CheckID: `check-${id}`, TTL: '600s', Status: 'passing' },
  };
  const answer = await consul('/v1/agent/service/register', { method: 'PUT', body: JSON.stringify(body) });
  expect(answer.status).toBe(200);
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

async function targets(): Promise<{ target: string; tags: string[] | null }[]> {
  const answer = await admin.get(`/upstreams/${upstream}/targets`);
  return answer.status === 200 ? (answer.body.data as { target: string; tags: string[] | null }[]) : [];
}

/** One Consul source; a short empty-payload grace so the test can watch it hold, then let go. */
function discoveryEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-discovery-'));
  const file = join(dir, 'discovery.yaml');
  writeFileSync(
    file,
    [`consul:`, `  - address: ${consulAddress()}`, `reconciler:`, `  empty_grace_ms: ${GRACE_MS}`, ''].join('\n'),
  );
  return { GANTRY_DISCOVERY_CONFIG: file, CONSUL_HTTP_ADDR: consulAddress() };
}

const GRACE_MS = 4_000;
const OWNER = 'discovery:consul:dc1';

beforeAll(async () => {
  servers = await startUpstreams('consul-a', 'consul-b', 'hand-made');
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startDiscovery(discoveryEnv(), 'discovery-a');
  // The upstream is created by discovery (auto-create); the service names it.
  expect((await admin.post('/services', { name: upstream, host: upstream, port: 80 })).status).toBe(201);
  expect((await admin.post(`/services/${upstream}/routes`, { paths: [`/${upstream}`] })).status).toBe(201);
});

afterAll(async () => {
  for (const id of ['a', 'b']) await consul(`/v1/agent/service/deregister/${service}-${id}`, { method: 'PUT' });
  await cluster.stop();
  await Promise.all(servers.map((s) => s.close()));
});

describe('Consul discovery', () => {
  it('routes to registered instances, keeps a hand-made target, and stops routing to failing or gone ones', async () => {
    await register(`${service}-a`, servers[0]);
    await register(`${service}-b`, servers[1]);
    await eventually(async () => (await targets()).length === 2, 30_000, 'discovered targets');
    expect(
      (await admin.post(`/upstreams/${upstream}/targets`, { target: servers[2].target, weight: 100 })).status,
    ).toBe(201);
    await cluster.converge();
    let lastSeen = new Set<string>();
    await eventually(async () => (lastSeen = await answering()).size === 3, 20_000, 'three upstreams answering').catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${[...lastSeen].join(', ')}`);
      },
    );

    // A failing check takes the instance out; the other discovered one and the hand-made one stay.
    await consul(`/v1/agent/check/fail/check-${service}-a`, { method: 'PUT' });
    await eventually(
      async () => {
        const seen = await answering();
        return !seen.has('consul-a') && seen.has('consul-b') && seen.has('hand-made');
      },
      30_000,
      'consul-a out of rotation',
    );

    // Deregistered: Consul now reports no instance at all, which the empty-payload grace holds for a while
    // (a registry answering "nothing" is more often a registry problem than every instance gone)...
    const deregisteredAt = Date.now();
    await consul(`/v1/agent/service/deregister/${service}-b`, { method: 'PUT' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const seen = await answering();
    if (Date.now() - deregisteredAt < GRACE_MS) expect(seen.has('consul-b')).toBe(true);
    // ...then lets go: its target goes; the hand-made target is untouched.
    await eventually(async () => !(await answering()).has('consul-b'), 30_000, 'consul-b removed');
    expect(Date.now() - deregisteredAt).toBeGreaterThanOrEqual(GRACE_MS);
    const left = await targets();
    expect(left.map((t) => t.target)).toContain(servers[2].target);
    for (const t of left) if (t.target !== servers[2].target) expect(t.tags).toContain(OWNER);
  });

  it('a standby takes over when the leader dies', async () => {
    const standby = await cluster.startDiscovery(discoveryEnv(), 'discovery-b');
    const leaderStatus = async (url: string) =>
      ((await (await fetch(`${url}/discovery/status`)).json()) as { leader: boolean }).leader;
    expect(await leaderStatus(standby.statusUrl)).toBe(false);
    const leader = cluster.processes.find((p) => p.name === 'discovery' && p !== standby.process)!;
    await leader.kill();
    await eventually(() => leaderStatus(standby.statusUrl), 30_000, 'the standby to lead');
    // The new leader keeps serving the registry: a new instance is routed to.
    await consul(`/v1/agent/check/pass/check-${service}-a`, { method: 'PUT' });
    await eventually(async () => (await answering()).has('consul-a'), 30_000, 'consul-a back through the new leader');
  });

  it('records every change as a config event with its source, actor and reason', async () => {
    const [a, b, handMade] = servers;
    const version = await cluster.converge();
    const events = await storedConfigEvents(cluster.keyspace, version);
    const upstreamId = ((await admin.get(`/upstreams/${upstream}`)).body as { id: string }).id;
    const changes = targetChanges(events, upstreamId);
    const discovered = changes.filter((c) => c.tags.includes(OWNER));

    // Both registered (in either order, maybe in one changeset), consul-a gone with its failing check, consul-b
    // deregistered (after the grace), consul-a back through the new leader.
    const steps = discovered.map((c) => [c.change.op, c.target]);
    expect(steps.slice(0, 2)).toEqual(
      expect.arrayContaining([
        ['create', a.target],
        ['create', b.target],
      ]),
    );
    expect(steps.slice(2)).toEqual([
      ['delete', a.target],
      ['delete', b.target],
      ['create', a.target],
    ]);
    for (const { event } of discovered) {
      expect(event).toMatchObject({ source: 'discovery', actor: OWNER });
      expect(typeof event.reason === 'string' && event.reason.length > 0).toBe(true);
    }
    expect(discovered[3].event.reason).toMatch(new RegExp(`empty-payload grace period of ${GRACE_MS} ms ended`));

    const byHand = changes.filter((c) => c.target === handMade.target);
    expect(byHand.map((c) => [c.change.op, c.event.source])).toEqual([['create', 'admin']]);
  });
});
