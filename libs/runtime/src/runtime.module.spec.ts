import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CassandraConnection } from '@gantry/cassandra';
import { KafkaConnection } from '@gantry/kafka';
import { STANDALONE_DEFAULTS, loadSettings } from '@gantry/settings';
import { backendHealthModule } from './backend-health';
import { startHttpApp } from './bootstrap';
import { RuntimeModule } from './runtime.module';

describe('RuntimeModule in embedded mode', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-runtime-'));
  const settings = loadSettings({ GANTRY_ADMIN_LISTEN: '127.0.0.1:0', GANTRY_DATA_DIR: dataDir }, STANDALONE_DEFAULTS);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  @Module({ imports: [RuntimeModule.forRoot(settings), backendHealthModule()] })
  class EmbeddedApp {}

  it('opens no Kafka or Cassandra connection and reports healthy', async () => {
    const app = await startHttpApp('test', EmbeddedApp, settings.adminListen, { shutdownHooks: false });
    try {
      expect(() => app.get(KafkaConnection)).toThrow();
      const response = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', info: { config: { status: 'up', version: 0 } } });
      expect(() => app.get(CassandraConnection)).toThrow();
    } finally {
      await app.close();
    }
  });
});
