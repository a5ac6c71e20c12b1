import type { ClientRef } from '../admin-conformance';

export function upstreamCases(client: ClientRef): void {
  describe('upstreams and targets', () => {
    beforeAll(() => client().reset());

    it('creates upstreams with Kong defaults, health checks off', async () => {
      const up = await client().post('/upstreams', { name: 'pool' });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({
        name: 'pool',
        algorithm: 'round-robin',
        hash_on: 'none',
        hash_fallback: 'none',
        hash_on_cookie_path: '/',
        slots: 10000,
        use_srv_name: false,
      });
      expect(up.body.healthchecks.active).toMatchObject({ type: 'http', timeout: 1, concurrency: 10, http_path: '/' });
      expect(up.body.healthchecks.active.healthy).toMatchObject({
        interval: 0,
        http_statuses: [200, 302],
        successes: 0,
      });
      expect(up.body.healthchecks.passive.unhealthy.http_statuses).toEqual([429, 500, 503]);
      expect(up.body.healthchecks.threshold).toBe(0);
    });

    it('manages targets only under their upstream', async () => {
      const target = await client().post('/upstreams/pool/targets', { target: '10.0.0.1' });
      expect(target.status).toBe(201);
      expect(target.body).toMatchObject({ target: '10.0.0.1:8000', weight: 100 });
      const dup = await client().post('/upstreams/pool/targets', { target: '10.0.0.1:8000' });
      expect(dup.status).toBe(409);
      expect((await client().get('/upstreams/pool/targets/10.0.0.1:8000')).body.id).toBe(target.body.id);
      const id = 'd1f1e0a4-9b7e-4d8e-8f00-3c2b1a0f9e77';
      const put = await client().put(`/upstreams/pool/targets/${id}`, { target: '10.0.0.2:9000', weight: 0 });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ id, weight: 0 });
      const bad = await client().post('/upstreams/pool/targets', { target: '10.0.0.3', weight: 70000 });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.weight).toBeDefined();
      const listed = await client().get('/upstreams/pool/targets');
      expect(listed.body.data).toHaveLength(2);
      expect((await client().get('/upstreams/pool/targets/all')).body.data).toHaveLength(2);
      expect((await client().get('/targets')).status).toBe(404);
      expect((await client().get(`/targets/${id}`)).status).toBe(404);
      expect((await client().delete(`/upstreams/pool/targets/${id}`)).status).toBe(204);
      expect((await client().get('/upstreams/pool/targets')).body.data).toHaveLength(1);
    });

    it('reports target health', async () => {
      const health = await client().get('/upstreams/pool/health');
      expect(health.status).toBe(200);
      expect(health.body.data).toHaveLength(1);
      expect(['HEALTHY', 'UNHEALTHY', 'DNS_ERROR', 'HEALTHCHECKS_OFF']).toContain(health.body.data[0].health);
      expect((await client().get('/upstreams/none/health')).status).toBe(404);
    });
  });
}
