import type { ClientRef } from '../admin-conformance';

export function cascadeCases(client: ClientRef): void {
  describe('deletes: cascades and restrictions', () => {
    beforeAll(() => client().reset());

    it('refuses to delete a service that routes still use (400), until the routes are gone', async () => {
      await client().post('/services', { name: 'used', host: 'u.internal' });
      await client().post('/services/used/routes', { name: 'user', paths: ['/u'] });
      const refused = await client().delete('/services/used');
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 4, name: 'foreign key violation' });
      expect(refused.body.message).toContain("'routes'");
      expect((await client().get('/services/used')).status).toBe(200);
      expect((await client().delete('/routes/user')).status).toBe(204);
      expect((await client().delete('/services/used')).status).toBe(204);
    });

    it('deleting a consumer removes its credentials and plugins', async () => {
      await client().post('/consumers', { username: 'dave' });
      await client().post('/consumers/dave/key-auth', { key: 'dave-key-0001' });
      await client().post('/consumers/dave/acls', { group: 'g' });
      await client().post('/consumers/dave/plugins', { name: 'request-termination', config: {} });
      expect((await client().delete('/consumers/dave')).status).toBe(204);
      expect((await client().get('/key-auths')).body.data).toEqual([]);
      expect((await client().get('/acls')).body.data).toEqual([]);
      expect((await client().get('/plugins')).body.data).toEqual([]);
    });

    it('deleting a service or route removes its plugins; an upstream its targets', async () => {
      await client().post('/services', { name: 'plugged', host: 'p.internal' });
      await client().post('/services/plugged/plugins', { name: 'cors', config: {} });
      expect((await client().delete('/services/plugged')).status).toBe(204);
      expect((await client().get('/plugins')).body.data).toEqual([]);
      await client().post('/upstreams', { name: 'doomed' });
      await client().post('/upstreams/doomed/targets', { target: '10.1.1.1:80' });
      expect((await client().delete('/upstreams/doomed')).status).toBe(204);
      expect((await client().get('/upstreams/doomed/targets')).status).toBe(404);
      expect((await client().get('/upstreams')).body.data).toEqual([]);
    });
  });
}
