import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, STANDALONE_DEFAULTS } from '@gantry/settings';
import { DATA_PLANE_REGISTRY } from '@gantry/runtime';
import type { DataPlaneRegistry } from '@gantry/store';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { describeAdminConformance, type AdminStartOptions } from './admin-conformance';

/** The conformance suite against the admin app on the embedded log and snapshot store, as `npm start` runs it. */
const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function startEmbedded(options: AdminStartOptions = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-admin-embedded-'));
  dataDirs.push(dataDir);
  const settings = loadSettings(
    {
      GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
      GANTRY_DATA_DIR: dataDir,
      ...(options.adminTokens === undefined ? {} : { GANTRY_ADMIN_TOKENS: options.adminTokens }),
    },
    STANDALONE_DEFAULTS,
  );
  const app = await startAdmin(settings, { shutdownHooks: false });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { baseUrl: url, dataPlanes: app.get<DataPlaneRegistry>(DATA_PLANE_REGISTRY), close: () => app.close() };
}

describeAdminConformance('embedded log and store', startEmbedded);
