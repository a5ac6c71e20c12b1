/**
 * Kafka down under a running admin: a write answers 503 within the write deadline and changes nothing, reads
 * keep answering from the last folded state, and writes work again once the broker is back. The test runs its
 * own one-node Kafka (started by the project's infra library) so it can stop it without disturbing the others.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { down, kafkaInstance, up, type Instance } from '@gantry/infra';
import { CLUSTER_DEFAULTS, loadSettings } from '@gantry/settings';
import { startAdmin } from '../../apps/admin/src/admin.bootstrap';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { AdminClient } from '../conformance/admin/client';
import { freePorts } from '../support/app-process';
import { uniqueName } from '../support/infra-env';

jest.setTimeout(180_000);

describe('admin while Kafka is down', () => {
  let broker: Instance | undefined;
  let app: INestApplication | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-kafka-outage-'));
  const log = (msg: string): void => void msg;

  afterAll(async () => {
    await app?.close();
    if (broker) await down(broker);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 within the deadline, applies nothing, keeps reading, and recovers', async () => {
    const [kafkaPort, controllerPort] = await freePorts(2);
    broker = kafkaInstance({
      name: uniqueName('kafka_outage'),
      port: kafkaPort,
      controllerPort,
      heap: '256m',
    });
    await up(broker, log);
    const settings = loadSettings(
      {
        GANTRY_ADMIN_LISTEN: '127.0.0.1:0',
        GANTRY_KAFKA_BROKERS: broker.address,
        GANTRY_KAFKA_TOPIC: uniqueName('outage'),
        // Snapshots on local disk: this test is about the log alone.
        GANTRY_STORE: 'embedded',
        GANTRY_DATA_DIR: dataDir,
        GANTRY_ADMIN_WRITE_TIMEOUT_MS: '3000',
      },
      CLUSTER_DEFAULTS,
    );
    app = await startAdmin(settings, { shutdownHooks: false });
    const client = new AdminClient((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    await eventually(async () => (await client.get('/health')).status === 200, 60_000, 'the admin to load');
    expect((await client.post('/services', { name: 'before', url: 'http://before.test' })).status).toBe(201);

    await down(broker);
    const started = Date.now();
    const refused = await client.post<{ message: string }>('/services', { name: 'during', url: 'http://during.test' });
    expect(refused.status).toBe(503);
    expect(typeof refused.body.message).toBe('string');
    // The write deadline (3 s here) plus the read-side catch-up bound (2 s) and some slack.
    expect(Date.now() - started).toBeLessThan(3_000 + 2_000 + 3_000);

    const listed = await client.get<{ data: { name: string }[] }>('/services');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((service) => service.name)).toEqual(['before']);

    await up(broker, log);
    let last = '';
    await eventually(
      async () => {
        // While the broker comes back, an attempt can time out (503) after its record reached Kafka; the
        // Idempotency-Key makes the retry answer with that first outcome instead of a 409.
        const answer = await client.post(
          '/services',
          { name: 'after', url: 'http://after.test' },
          { headers: { 'idempotency-key': 'after-recovery' } },
        );
        last = `${answer.status} ${answer.text}`;
        return answer.status === 201;
      },
      60_000,
      'writes to work again',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${last}`);
    });
    const names = (await client.get<{ data: { name: string }[] }>('/services')).body.data.map((s) => s.name).sort();
    // The write refused during the outage never shows up later.
    expect(names).toEqual(['after', 'before']);
  });
});
