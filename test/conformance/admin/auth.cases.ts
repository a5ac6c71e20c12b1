import type { AdminServer, StartAdmin } from '../admin-conformance';
import { AdminClient } from './client';

const READ = 'viewer-token-0001';
const ADMIN = 'deployer-token-0001';

export function authCases(start: StartAdmin): void {
  describe('admin tokens', () => {
    let server: AdminServer | undefined;
    let anonymous: AdminClient;

    beforeAll(async () => {
      server = await start({ adminTokens: `viewer:read:${READ},deployer:admin:${ADMIN}` });
      anonymous = new AdminClient(server.baseUrl);
    });

    afterAll(async () => {
      await server?.close();
    });

    it('answers 401 without a token or with an unknown one', async () => {
      const none = await anonymous.get('/services');
      expect(none.status).toBe(401);
      expect(typeof none.body.message).toBe('string');
      expect((await anonymous.with({ 'Kong-Admin-Token': 'wrong-token-0000' }).get('/services')).status).toBe(401);
      expect((await anonymous.with({ Authorization: 'Bearer wrong' }).get('/')).status).toBe(401);
      expect((await anonymous.post('/services', { host: 'h' })).status).toBe(401);
    });

    it('lets a read token read and validate, but not write (403)', async () => {
      const reader = anonymous.with({ 'Kong-Admin-Token': READ });
      expect((await reader.get('/services')).status).toBe(200);
      expect((await reader.get('/')).status).toBe(200);
      expect((await reader.post('/schemas/services/validate', { host: 'h' })).status).toBe(200);
      const denied = await reader.post('/services', { name: 'nope', host: 'h' });
      expect(denied.status).toBe(403);
      expect(typeof denied.body.message).toBe('string');
      expect((await reader.delete('/services/nope')).status).toBe(403);
    });

    it('lets an admin token write, with Kong-Admin-Token or Authorization: Bearer', async () => {
      const viaHeader = await anonymous
        .with({ 'Kong-Admin-Token': ADMIN })
        .post('/consumers', { username: 'by-header' });
      expect(viaHeader.status).toBe(201);
      const viaBearer = await anonymous
        .with({ Authorization: `Bearer ${ADMIN}` })
        .post('/consumers', { username: 'by-bearer' });
      expect(viaBearer.status).toBe(201);
    });
  });
}
