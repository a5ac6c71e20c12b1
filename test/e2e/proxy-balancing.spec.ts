/**
 * Load balancing and health checks through two real proxy replicas (real Kafka and Cassandra): distribution per
 * algorithm, active and passive checks against upstreams that fail and recover, the admin's aggregated health
 * view, retries to the next target and timeouts.
 */
import { eventually } from '../../libs/store/src/testing/stored-state';
import type { AdminClient } from '../conformance/admin/client';
import { freePort } from '../support/app-process';
import { GantryCluster } from '../support/gantry-cluster';
import { http } from '../support/http-client';
import { UpstreamServer, startUpstreams, type Echo } from '../support/upstream-server';

jest.setTimeout(300_000);

const cluster = new GantryCluster();
let admin: AdminClient;
const servers: UpstreamServer[] = [];

async function upstreamWith(
  name: string,
  targets: { server?: UpstreamServer; target?: string; weight?: number }[],
  fields: Record<string, unknown> = {},
  service: Record<string, unknown> = {},
): Promise<void> {
  expect((await admin.post('/upstreams', { name, ...fields })).status).toBe(201);
  for (const t of targets) {
    const created = await admin.post(`/upstreams/${name}/targets`, {
      target: t.target ?? t.server!.target,
      weight: t.weight ?? 100,
    });
    expect(created.status).toBe(201);
  }
  expect((await admin.post('/services', { name, host: name, port: 80, ...service })).status).toBe(201);
  expect((await admin.post(`/services/${name}/routes`, { paths: [`/${name}`] })).status).toBe(201);
  await cluster.converge();
}

/** Sends `n` requests through `proxy` and counts which upstream answered (status other than 200 counted too). */
async function spread(path: string, n: number, headers: (i: number) => Record<string, string> = () => ({}), proxy = 0) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const answer = await http(cluster.proxies[proxy].url, path, { headers: headers(i) });
    const key = answer.status === 200 ? (answer.json as Echo).upstream : `status ${answer.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

beforeAll(async () => {
  admin = await cluster.startAdmin();
  await cluster.startProxy();
  await cluster.startProxy();
});

afterAll(async () => {
  await cluster.stop();
  await Promise.all(servers.map((server) => server.close()));
});

describe('balancing algorithms', () => {
  it('round-robin follows the weights, and a weight of 0 disables a target', async () => {
    const [a, b, c] = await startUpstreams('a', 'b', 'c');
    servers.push(a, b, c);
    await upstreamWith('rr', [
      { server: a, weight: 100 },
      { server: b, weight: 300 },
      { server: c, weight: 0 },
    ]);
    for (const proxy of [0, 1]) {
      const counts = await spread('/rr', 400, undefined, proxy);
      expect(counts).toEqual({ a: 100, b: 300 });
    }
  });

  it('consistent hashing on a header keeps a key on one target and spreads keys', async () => {
    const [a, b, c] = await startUpstreams('a', 'b', 'c');
    servers.push(a, b, c);
    await upstreamWith('ch', [{ server: a }, { server: b }, { server: c }], {
      algorithm: 'consistent-hashing',
      hash_on: 'header',
      hash_on_header: 'x-user',
    });
    const owner = new Map<string, string>();
    for (let i = 0; i < 60; i++) {
      const user = `user-${i}`;
      const answers = await Promise.all(
        [0, 1, 0, 1].map((proxy) => http(cluster.proxies[proxy].url, '/ch', { headers: { 'x-user': user } })),
      );
      const names = new Set(answers.map((answer) => (answer.json as Echo).upstream));
      expect(names.size).toBe(1); // same key, same target, on both replicas
      owner.set(user, [...names][0]);
    }
    const perTarget = [...owner.values()].reduce<Record<string, number>>(
      (acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }),
      {},
    );
    expect(Object.keys(perTarget).sort()).toEqual(['a', 'b', 'c']);
    for (const count of Object.values(perTarget)) expect(count).toBeGreaterThanOrEqual(5);
  });

  it('least-connections and latency send most requests to the fast target', async () => {
    const slow = new UpstreamServer('slow');
    const fast = new UpstreamServer('fast');
    await Promise.all([slow.start(), fast.start()]);
    servers.push(slow, fast);
    slow.delayMs = 150;
    for (const algorithm of ['least-connections', 'latency']) {
      await upstreamWith(algorithm, [{ server: slow }, { server: fast }], { algorithm });
      const counts: Record<string, number> = {};
      // 8 concurrent clients for 2 s: requests pile up on the slow target unless the balancer avoids it.
      const deadline = Date.now() + 2_000;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (Date.now() < deadline) {
            const answer = await http(cluster.proxies[0].url, `/${algorithm}`);
            const name = (answer.json as Echo).upstream;
            counts[name] = (counts[name] ?? 0) + 1;
          }
        }),
      );
      expect(counts.fast).toBeGreaterThan(3 * (counts.slow ?? 0));
    }
  });
});

describe('health checks', () => {
  it('active checks take a failing target out and bring it back, on every replica and in the admin view', async () => {
    const [a, b] = await startUpstreams('a', 'b');
    servers.push(a, b);
    await upstreamWith('active', [{ server: a }, { server: b }], {
      healthchecks: {
        active: {
          http_path: '/status',
          timeout: 1,
          healthy: { interval: 1, successes: 1 },
          unhealthy: { interval: 1, http_failures: 1, timeouts: 1, tcp_failures: 1 },
        },
      },
    });
    a.mode = 'error-500';
    await eventually(
      async () => {
        const counts = [await spread('/active', 10, undefined, 0), await spread('/active', 10, undefined, 1)];
        return counts.every((c) => c.b === 10);
      },
      20_000,
      'both replicas to stop sending to the failing target',
    );
    await eventually(
      async () => {
        const health = await admin.get<{ data: { target: string; health: string }[] }>('/upstreams/active/health');
        const byTarget = Object.fromEntries(health.body.data.map((t) => [t.target, t.health]));
        return byTarget[a.target] === 'UNHEALTHY' && byTarget[b.target] === 'HEALTHY';
      },
      20_000,
      'the admin to aggregate UNHEALTHY from the replicas',
    );
    a.mode = 'ok';
    await eventually(
      async () => {
        const counts = await spread('/active', 20, undefined, 1);
        return (counts.a ?? 0) > 0 && (counts.b ?? 0) > 0;
      },
      20_000,
      'the recovered target to serve again',
    );
  });

  it('passive checks eject a failing target, and it comes back through a half-open trial', async () => {
    const [a, b] = await startUpstreams('a', 'b');
    servers.push(a, b);
    await upstreamWith('passive', [{ server: a }, { server: b }], {
      healthchecks: { passive: { unhealthy: { http_failures: 2, http_statuses: [500], cooldown: 2 } } },
    });
    a.mode = 'error-500';
    // Two 500s from a trip its circuit on replica 0; after that only b answers.
    const tripped = await spread('/passive', 20);
    expect(tripped['status 500']).toBe(2);
    expect(tripped.b).toBe(18);
    a.mode = 'ok';
    await eventually(
      async () => ((await spread('/passive', 10)).a ?? 0) > 0,
      15_000,
      'the ejected target to come back after its cool-down',
    );
  });
});

describe('retries and timeouts', () => {
  it('retries a connection failure on the next target', async () => {
    const [live] = await startUpstreams('live');
    servers.push(live);
    const dead = `127.0.0.1:${await freePort()}`;
    await upstreamWith('retry', [{ target: dead }, { server: live }], {}, { retries: 5 });
    const counts = await spread('/retry', 20);
    expect(counts).toEqual({ live: 20 });
  });

  it('answers 502 when every attempt fails to connect, and 504 on a read timeout', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    await upstreamWith('all-dead', [{ target: dead }], {}, { retries: 2 });
    const refused = await http(cluster.proxies[0].url, '/all-dead');
    expect(refused.status).toBe(502);
    expect(refused.json).toEqual({
      message: 'An invalid response was received from the upstream server',
      request_id: expect.any(String),
    });

    const [hanging] = await startUpstreams('hanging');
    servers.push(hanging);
    hanging.mode = 'hang';
    await upstreamWith('slow-read', [{ server: hanging }], {}, { read_timeout: 300, retries: 0 });
    const timedOut = await http(cluster.proxies[1].url, '/slow-read');
    expect(timedOut.status).toBe(504);
    expect(timedOut.json.message).toBe('The upstream server is timing out');
  });

  it('answers 503 when no target is healthy', async () => {
    await upstreamWith('empty', []);
    const answer = await http(cluster.proxies[0].url, '/empty');
    expect(answer.status).toBe(503);
    expect(answer.json.message).toBe('failure to get a peer from the ring-balancer');
  });
});
