/* eslint-disable @typescript-eslint/no-unsafe-call -- answers are JSON checked by assertions */
import type { ClientRef } from '../admin-conformance';

export function pluginCases(client: ClientRef): void {
  describe('plugins at every scope', () => {
    beforeAll(async () => {
      await client().reset();
      await client().post('/services', { name: 'svc', host: 'svc.internal' });
      await client().post('/services/svc/routes', { name: 'rt', paths: ['/p'] });
      await client().post('/consumers', { username: 'carol' });
    });

    it('creates plugins globally and under services, routes and consumers', async () => {
      const global = await client().post('/plugins', { name: 'cors', config: {} });
      expect(global.status).toBe(201);
      expect(global.body).toMatchObject({ name: 'cors', enabled: true, route: null, service: null, consumer: null });
      for (const parent of ['/services/svc', '/routes/rt', '/consumers/carol']) {
        const created = await client().post(`${parent}/plugins`, { name: 'request-termination', config: {} });
        expect(created.status).toBe(201);
        const listed = await client().get(`${parent}/plugins`);
        expect(listed.body.data.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
        expect((await client().get(`${parent}/plugins/${created.body.id}`)).status).toBe(200);
      }
      expect((await client().get('/plugins')).body.data).toHaveLength(4);
      const enabled = (await client().get('/')).body.plugins.enabled_in_cluster;
      expect(enabled).toEqual(['cors', 'request-termination']);
    });

    it('allows one plugin of a name per scope (409)', async () => {
      const dup = await client().post('/services/svc/plugins', { name: 'request-termination', config: {} });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe(5);
    });

    it("reads the plugin's scope entities and the plugin schemas", async () => {
      const plugin = (await client().get('/routes/rt/plugins')).body.data[0];
      expect((await client().get(`/plugins/${plugin.id}/route`)).body.name).toBe('rt');
      expect((await client().get(`/plugins/${plugin.id}/service`)).status).toBe(404);
      const schema = await client().get('/schemas/plugins/request-termination');
      expect(schema.status).toBe(200);
      expect(Array.isArray(schema.body.fields)).toBe(true);
      const valid = await client().post('/schemas/plugins/validate', { name: 'cors', config: {} });
      expect(valid.status).toBe(200);
      const invalid = await client().post('/schemas/plugins/validate', { config: {} });
      expect(invalid.status).toBe(400);
      expect(invalid.body.fields.name).toBe('required field missing');
    });

    it('finds plugins by instance_name and toggles enabled', async () => {
      const named = await client().post('/plugins', {
        name: 'file-log',
        instance_name: 'audit',
        config: { path: '/tmp/x' },
      });
      expect(named.status).toBe(201);
      const off = await client().patch('/plugins/audit', { enabled: false });
      expect(off.status).toBe(200);
      expect(off.body.enabled).toBe(false);
    });
  });
}
