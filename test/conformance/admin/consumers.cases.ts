import type { ClientRef } from '../admin-conformance';

export function consumerCases(client: ClientRef): void {
  describe('consumers and credentials', () => {
    beforeAll(() => client().reset());

    it('needs a username or a custom_id, each unique', async () => {
      const none = await client().post('/consumers', {});
      expect(none.status).toBe(400);
      expect(none.body.message).toContain('at least one of these fields must be non-empty');
      expect((await client().post('/consumers', { username: 'alice', custom_id: 'a-1' })).status).toBe(201);
      expect((await client().post('/consumers', { custom_id: 'a-1' })).status).toBe(409);
    });

    it('key-auth: generated keys, lookups by key, top-level /key-auths', async () => {
      const generated = await client().post('/consumers/alice/key-auth', {});
      expect(generated.status).toBe(201);
      expect(typeof generated.body.key).toBe('string');
      expect(generated.body.key.length).toBeGreaterThanOrEqual(16);
      const given = await client().post('/consumers/alice/key-auth', { key: 'alice-secret-key' });
      expect(given.status).toBe(201);
      expect((await client().post('/consumers/alice/key-auth', { key: 'alice-secret-key' })).status).toBe(409);
      expect((await client().get('/consumers/alice/key-auth/alice-secret-key')).body.id).toBe(given.body.id);
      expect((await client().get('/consumers/alice/key-auth')).body.data).toHaveLength(2);
      const top = await client().get('/key-auths');
      expect(top.status).toBe(200);
      expect(top.body.data).toHaveLength(2);
      expect((await client().get(`/key-auths/${given.body.id}/consumer`)).body.username).toBe('alice');
      const id = '5f0c3a51-54a7-4b3e-9b1f-2a7c4f6d8e90';
      expect((await client().put(`/consumers/alice/key-auth/${id}`, { key: 'deck-key-1' })).status).toBe(200);
      expect((await client().delete(`/consumers/alice/key-auth/${id}`)).status).toBe(204);
    });

    it('basic-auth stores only a password hash', async () => {
      const cred = await client().post('/consumers/alice/basic-auth', { username: 'alice', password: 'hunter2' });
      expect(cred.status).toBe(201);
      expect(cred.body.password).not.toBe('hunter2');
      expect(cred.body.password).not.toContain('hunter2');
      expect((await client().get('/basic-auths')).body.data).toHaveLength(1);
    });

    it('jwt, acls and hmac-auth, nested and top-level', async () => {
      const jwt = await client().post('/consumers/alice/jwt', {});
      expect(jwt.status).toBe(201);
      expect(jwt.body).toMatchObject({ algorithm: 'HS256' });
      expect(typeof jwt.body.key).toBe('string');
      expect(typeof jwt.body.secret).toBe('string');
      const acl = await client().post('/consumers/alice/acls', { group: 'admins' });
      expect(acl.status).toBe(201);
      expect((await client().post('/consumers/alice/acls', { group: 'admins' })).status).toBe(409);
      expect((await client().get('/consumers/alice/acls/admins')).body.id).toBe(acl.body.id);
      const hmac = await client().post('/consumers/alice/hmac-auth', { username: 'alice-hmac' });
      expect(hmac.status).toBe(201);
      expect(typeof hmac.body.secret).toBe('string');
      for (const path of ['/jwts', '/acls', '/hmac-auths', '/basic-auths', '/key-auths']) {
        expect((await client().get(path)).status).toBe(200);
      }
    });

    it('scopes credentials to their consumer', async () => {
      await client().post('/consumers', { username: 'bob' });
      expect((await client().get('/consumers/bob/key-auth/alice-secret-key')).status).toBe(404);
      expect((await client().get('/consumers/bob/key-auth')).body.data).toEqual([]);
      expect((await client().get('/consumers/nobody/key-auth')).status).toBe(404);
    });
  });
}
