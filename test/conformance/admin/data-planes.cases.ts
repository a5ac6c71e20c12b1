import type { DataPlaneReportInput, ReportedTargetHealth } from '@gantry/store';
import type { ClientRef, RegistryRef } from '../admin-conformance';

const REPLICAS = ['conformance-dp-a', 'conformance-dp-b', 'conformance-dp-c'];

function report(id: string, overrides: Partial<DataPlaneReportInput> = {}): DataPlaneReportInput {
  return {
    id,
    hostname: `host-${id}`,
    ip: '192.0.2.10',
    version: '0.1.0',
    config_version: 1,
    config_hash: 'a'.repeat(64),
    lag: 0,
    status: 'ready',
    upstream_health: {},
    ...overrides,
  };
}

function target(address: string, health: 'HEALTHY' | 'UNHEALTHY'): ReportedTargetHealth {
  const [ip, port] = address.split(':');
  return { target: address, health, addresses: [{ ip, port: Number(port), health }] };
}

/**
 * `GET /clustering/data-planes`, `GET /clustering/status` and `GET /upstreams/{u}/health` over what replicas
 * report. The suite reports through the admin's own registry (in memory, or the Cassandra table), as proxy
 * replicas would, and removes its reports afterwards.
 */
export function dataPlaneCases(client: ClientRef, registry: RegistryRef): void {
  describe('data planes and aggregated upstream health', () => {
    beforeAll(() => client().reset());
    afterAll(async () => {
      for (const id of REPLICAS) await registry().remove(id);
    });

    it('GET /clustering/data-planes lists the replicas in Kong shape, paginated', async () => {
      await registry().report(report(REPLICAS[1], { status: 'catching_up', lag: 5, config_version: 2 }));
      await registry().report(report(REPLICAS[0]));
      await registry().report(report(REPLICAS[2], { status: 'degraded' }));
      const answer = await client().get('/clustering/data-planes');
      expect(answer.status).toBe(200);
      expect(answer.body.next).toBeNull();
      expect((answer.body.data as { id: string }[]).map((d) => d.id)).toEqual(REPLICAS);
      const [a, b, c] = answer.body.data as Record<string, unknown>[];
      expect(Object.keys(a).sort()).toEqual(
        [
          'config_hash',
          'config_version',
          'hostname',
          'id',
          'ip',
          'lag',
          'last_seen',
          'status',
          'sync_status',
          'version',
        ].sort(),
      );
      expect(a).toMatchObject({
        hostname: `host-${REPLICAS[0]}`,
        ip: '192.0.2.10',
        config_hash: 'a'.repeat(64),
        version: '0.1.0',
        sync_status: 'normal',
        status: 'ready',
      });
      expect(Math.abs((a.last_seen as number) - Date.now() / 1000)).toBeLessThan(60);
      expect(b).toMatchObject({ status: 'catching_up', lag: 5, config_version: 2 });
      expect(c.status).toBe('degraded');
      expect(await client().all('/clustering/data-planes', 2)).toHaveLength(3);
    });

    it('GET /clustering/status answers the deprecated map by id', async () => {
      const answer = await client().get('/clustering/status');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('deprecation')).toBe('true');
      expect(answer.body[REPLICAS[0]]).toEqual({
        config_hash: 'a'.repeat(64),
        hostname: `host-${REPLICAS[0]}`,
        ip: '192.0.2.10',
        last_seen: expect.any(Number),
      });
    });

    it('GET /upstreams/{u}/health aggregates the replicas by majority, with each one verdict', async () => {
      const upstream = await client().post('/upstreams', {
        name: 'voted',
        healthchecks: { active: { healthy: { interval: 5 }, unhealthy: { interval: 5 } } },
      });
      expect(upstream.status).toBe(201);
      const t1 = (await client().post('/upstreams/voted/targets', { target: '192.0.2.1:80' })).body.id as string;
      const t2 = (await client().post('/upstreams/voted/targets', { target: '192.0.2.2:80' })).body.id as string;
      const votes: [string, 'HEALTHY' | 'UNHEALTHY', 'HEALTHY' | 'UNHEALTHY', boolean][] = [
        [REPLICAS[0], 'HEALTHY', 'UNHEALTHY', true],
        [REPLICAS[1], 'HEALTHY', 'UNHEALTHY', true],
        [REPLICAS[2], 'UNHEALTHY', 'HEALTHY', false],
      ];
      for (const [id, first, second, healthy] of votes) {
        const targets = { [t1]: target('192.0.2.1:80', first), [t2]: target('192.0.2.2:80', second) };
        await registry().report(report(id, { upstream_health: { [upstream.body.id]: { healthy, targets } } }));
      }
      const answer = await client().get('/upstreams/voted/health');
      expect(answer.status).toBe(200);
      expect(answer.body.next).toBeNull();
      expect(typeof answer.body.node_id).toBe('string');
      const rows = new Map((answer.body.data as { id: string }[]).map((row) => [row.id, row]));
      expect(rows.get(t1)).toMatchObject({
        target: '192.0.2.1:80',
        weight: 100,
        upstream: { id: upstream.body.id },
        health: 'HEALTHY',
        data: {
          addresses: [{ ip: '192.0.2.1', port: 80, health: 'HEALTHY', weight: 100 }],
          nodes: { [REPLICAS[0]]: 'HEALTHY', [REPLICAS[1]]: 'HEALTHY', [REPLICAS[2]]: 'UNHEALTHY' },
        },
      });
      expect(rows.get(t2)).toMatchObject({ health: 'UNHEALTHY' });

      const balancer = await client().get('/upstreams/voted/health?balancer_health=1');
      expect(balancer.status).toBe(200);
      expect(balancer.body).toMatchObject({
        data: { id: upstream.body.id, health: 'HEALTHY', balancer_health: 'HEALTHY' },
        next: null,
      });
      expect(balancer.body.data.details.weight).toEqual({ total: 200, available: 100, unavailable: 100 });
    });

    it('GET /upstreams/{u}/health falls back to the upstream settings when no replica reports it', async () => {
      expect((await client().post('/upstreams', { name: 'unreported' })).status).toBe(201);
      expect((await client().post('/upstreams/unreported/targets', { target: '192.0.2.3:80' })).status).toBe(201);
      const answer = await client().get('/upstreams/unreported/health');
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(1);
      expect(answer.body.data[0]).toMatchObject({ health: 'HEALTHCHECKS_OFF', data: { addresses: [] } });
      const balancer = await client().get('/upstreams/unreported/health?balancer_health=1');
      expect(balancer.body.data).toMatchObject({ health: 'HEALTHCHECKS_OFF', balancer_health: 'HEALTHY' });
    });

    it('a removed replica is no longer listed', async () => {
      await registry().remove(REPLICAS[2]);
      const answer = await client().get('/clustering/data-planes');
      expect((answer.body.data as { id: string }[]).map((d) => d.id)).toEqual(REPLICAS.slice(0, 2));
    });
  });
}
