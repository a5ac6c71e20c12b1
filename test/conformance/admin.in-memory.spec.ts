import 'reflect-metadata';
import { loadSettings, STANDALONE_DEFAULTS } from '@gantry/settings';
import { InMemoryDataPlaneRegistry } from '@gantry/store';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { InMemoryConfigBackend } from '../../apps/admin/src/testing/in-memory-backend';
import { describeAdminConformance, type AdminStartOptions } from './admin-conformance';

/** The conformance suite against the admin app with an in-memory replica and writer (no log, no store). */
async function startInMemory(options: AdminStartOptions = {}) {
  const settings = loadSettings(
    {
      GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
      GANTRY_DATA_DIR: '/nonexistent-gantry-in-memory',
      ...(options.adminTokens === undefined ? {} : { GANTRY_ADMIN_TOKENS: options.adminTokens }),
    },
    STANDALONE_DEFAULTS,
  );
  const backend = new InMemoryConfigBackend();
  const dataPlanes = new InMemoryDataPlaneRegistry();
  const app = await startAdmin(settings, {
    shutdownHooks: false,
    backend: () => ({ replica: backend, writer: backend, dataPlanes }),
  });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { baseUrl: url, dataPlanes, close: () => app.close() };
}

describeAdminConformance('in-memory', startInMemory);
