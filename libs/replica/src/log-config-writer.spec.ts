import { EmbeddedConfigLog, LogUnavailableError, type ConfigLog } from '@gantry/event-log';
import { EmbeddedSnapshotStore } from '@gantry/store';
import pino from 'pino';
import { TempDirs } from '../../event-log/src/testing/temp-dirs';
import type { ConfigReplica } from './config-replica';
import { ReplicaTimeoutError } from './errors';
import { LogConfigReplica } from './log-config-replica';
import { LogConfigWriter } from './log-config-writer';
import { createService } from './testing/events';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
let log: EmbeddedConfigLog;
let store: EmbeddedSnapshotStore;
let replica: LogConfigReplica;
let writer: LogConfigWriter;

beforeEach(async () => {
  const dataDir = await dirs.create('gantry-writer-');
  log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await store.start();
  replica = new LogConfigReplica({ log, snapshots: store, logger: silent });
  await replica.start();
  writer = new LogConfigWriter({ log, replica });
});

afterEach(async () => {
  await replica.close();
  await log.close();
  await store.close();
});
afterAll(() => dirs.removeAll());

describe('LogConfigWriter', () => {
  it('answers with its own fold of the appended version (read-your-writes)', async () => {
    const result = await writer.write(createService(1));
    expect(result).toMatchObject({ status: 'applied', version: 1, applied: [{ op: 'create', kind: 'services' }] });
    expect(replica.state.entities.services.size).toBe(1);
  });

  it('answers a conflicting write with the rejection every replica computes', async () => {
    await writer.write(createService(1));
    const result = await writer.write(createService(2, {}, 'svc-1'));
    expect(result).toMatchObject({
      status: 'rejected',
      version: 2,
      error: { code: 5, name: 'unique constraint violation' },
    });
  });

  it('answers a retried idempotency key with the first outcome and appends nothing', async () => {
    const first = await writer.write(createService(1, { idempotency_key: 'retry-1' }));
    const again = await writer.write(createService(1, { idempotency_key: 'retry-1' }));
    expect(again).toEqual(first);
    expect(await log.headVersion()).toBe(1);
  });

  it('folds concurrent retries that both reached the log as one apply and one duplicate', async () => {
    const results = await Promise.all([
      writer.write(createService(1, { idempotency_key: 'race' })),
      writer.write(createService(1, { idempotency_key: 'race' })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['applied', 'duplicate']);
    expect(await log.headVersion()).toBe(2);
    expect(replica.state.entities.services.size).toBe(1);
  });

  it("throws the log's LogUnavailableError when the append fails, and nothing is applied", async () => {
    const failing = {
      append: () => Promise.reject(new LogUnavailableError('broker down')),
    } as unknown as ConfigLog;
    const broken = new LogConfigWriter({ log: failing, replica });
    await expect(broken.write(createService(1))).rejects.toMatchObject({
      code: 'GANTRY_LOG_UNAVAILABLE',
      message: 'broker down',
    });
    expect(replica.version()).toBe(0);
  });

  it('throws LogUnavailableError naming the version when the fold misses the deadline', async () => {
    const slow = {
      idempotent: () => undefined,
      waitForVersion: (version: number, timeoutMs: number) =>
        Promise.reject(new ReplicaTimeoutError(version, 0, timeoutMs)),
    } as unknown as ConfigReplica;
    const stalled = new LogConfigWriter({ log, replica: slow });
    const failure = stalled.write(createService(1), { deadlineMs: 100 });
    await expect(failure).rejects.toBeInstanceOf(LogUnavailableError);
    await expect(failure).rejects.toThrow(/appended as version 1 but not applied within 100 ms/);
  });
});
