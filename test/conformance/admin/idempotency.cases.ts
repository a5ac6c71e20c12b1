import type { ClientRef } from '../admin-conformance';

export function idempotencyCases(client: ClientRef): void {
  describe('Idempotency-Key', () => {
    beforeAll(() => client().reset());

    const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

    it('a retried create returns the first result and applies once', async () => {
      const first = await client().post('/services', { name: 'once', host: 'o.internal' }, withKey('k-create'));
      expect(first.status).toBe(201);
      const retry = await client().post('/services', { name: 'once', host: 'o.internal' }, withKey('k-create'));
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect((await client().get('/services')).body.data).toHaveLength(1);
    });

    it('does not remember requests refused before they were appended: the retry runs again', async () => {
      const refused = await client().post('/services', { name: 'once', host: 'x' }, withKey('k-conflict'));
      expect(refused.status).toBe(409);
      await client().delete('/services/once');
      const retry = await client().post('/services', { name: 'once', host: 'x' }, withKey('k-conflict'));
      expect(retry.status).toBe(201);
    });

    it('the same key with another request answers 422', async () => {
      await client().post('/consumers', { username: 'idem' }, withKey('k-reuse'));
      const other = await client().post('/consumers', { username: 'someone-else' }, withKey('k-reuse'));
      expect(other.status).toBe(422);
      expect(typeof other.body.message).toBe('string');
      const otherPath = await client().post('/upstreams', { name: 'idem' }, withKey('k-reuse'));
      expect(otherPath.status).toBe(422);
    });

    it('works for PUT, PATCH and DELETE', async () => {
      const put = await client().put('/upstreams/idem-up', {}, withKey('k-put'));
      expect(put.status).toBe(200);
      expect((await client().put('/upstreams/idem-up', {}, withKey('k-put'))).body).toEqual(put.body);
      const patch = await client().patch('/upstreams/idem-up', { slots: 100 }, withKey('k-patch'));
      expect((await client().patch('/upstreams/idem-up', { slots: 100 }, withKey('k-patch'))).body).toEqual(patch.body);
      expect((await client().delete('/upstreams/idem-up', withKey('k-del'))).status).toBe(204);
      expect((await client().delete('/upstreams/idem-up', withKey('k-del'))).status).toBe(204);
    });

    it('rejects malformed keys (400)', async () => {
      const bad = await client().post('/consumers', { username: 'k' }, withKey('x'.repeat(300)));
      expect(bad.status).toBe(400);
    });
  });
}
