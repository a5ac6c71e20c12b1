import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbeddedConfigLog, type ConfigLog } from '@gantry/event-log';
import { EmbeddedSnapshotStore } from '@gantry/store';
import pino from 'pino';
import { TempDirs } from '../../event-log/src/testing/temp-dirs';
import { ReplicaFold } from './fold/replica-fold';
import { LogConfigReplica, type LogConfigReplicaOptions } from './log-config-replica';
import { Snapshotter } from './snapshotter';
import { createRoute, createService, encode } from './testing/events';
import { DoubledLog, memoryHistory, readAll } from './testing/log-doubles';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(() => dirs.removeAll());

async function setup(): Promise<{ log: EmbeddedConfigLog; store: EmbeddedSnapshotStore; dataDir: string }> {
  const dataDir = await dirs.create('gantry-replica-');
  const log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  const store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await store.start();
  closers.push(
    () => log.close(),
    () => store.close(),
  );
  return { log, store, dataDir };
}

function replica(options: Partial<LogConfigReplicaOptions> & Pick<LogConfigReplicaOptions, 'log' | 'snapshots'>) {
  const r = new LogConfigReplica({ logger: silent, backoff: { minMs: 5, maxMs: 20 }, ...options });
  closers.push(() => r.close());
  return r;
}

async function appendServices(log: ConfigLog, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    await log.append(encode(createService(n)));
    await log.append(encode(createRoute(10_000 + n, n)));
  }
}

/** The hash a fresh fold of the whole log gives: the reference every replica must match. */
async function replayHash(log: ConfigLog): Promise<string> {
  const fold = new ReplicaFold();
  for (const record of await readAll(log)) fold.apply(record);
  return fold.hash();
}

describe('LogConfigReplica', () => {
  it('booted from a snapshot plus the tail equals a full replay', async () => {
    const { log, store } = await setup();
    await appendServices(log, 1, 15);
    const first = replica({ log, snapshots: store });
    await first.start();
    expect(first.status()).toMatchObject({ version: 30, caughtUp: true, bootedFromSnapshot: 0, lag: 0 });
    await store.save(first.snapshot());
    await appendServices(log, 100, 10);
    await first.waitForVersion(50, 2_000);

    const second = replica({ log, snapshots: store });
    await second.start();
    expect(second.status()).toMatchObject({ version: 50, caughtUp: true, bootedFromSnapshot: 30, lastError: null });
    const reference = await replayHash(log);
    expect(second.status().hash).toBe(reference);
    expect(first.status().hash).toBe(reference);
  });

  it('falls back to the previous snapshot when the newest is torn', async () => {
    const { log, store, dataDir } = await setup();
    await appendServices(log, 1, 5);
    const first = replica({ log, snapshots: store });
    await first.start();
    await store.save(first.snapshot());
    await appendServices(log, 20, 5);
    await first.waitForVersion(20, 2_000);
    await store.save(first.snapshot());
    await truncate(join(dataDir, 'snapshots', 'snapshot-00000000000000000020.snap'), 100);

    const second = replica({ log, snapshots: store });
    await second.start();
    expect(second.status()).toMatchObject({ version: 20, bootedFromSnapshot: 10 });
    expect(second.status().hash).toBe(await replayHash(log));
  });

  it('waitForVersion rejects with a coded timeout, and resolves once the version is folded', async () => {
    const { log, store } = await setup();
    const r = replica({ log, snapshots: store });
    await r.start();
    const started = Date.now();
    await expect(r.waitForVersion(1, 50)).rejects.toMatchObject({
      code: 'GANTRY_REPLICA_TIMEOUT',
      name: 'ReplicaTimeoutError',
      version: 1,
      reached: 0,
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    const waiting = r.waitForVersion(2, 2_000);
    await appendServices(log, 1, 1);
    await expect(waiting).resolves.toBeUndefined();
    expect(r.outcomeOf(2)).toMatchObject({ status: 'applied', version: 2 });
  });

  it('rejects pending waits when closed', async () => {
    const { log, store } = await setup();
    const r = replica({ log, snapshots: store });
    await r.start();
    const waiting = r.waitForVersion(5, 10_000);
    await r.close();
    await expect(waiting).rejects.toMatchObject({ code: 'GANTRY_REPLICA_CLOSED' });
  });

  it('calls applied-listeners in log order and survives one that throws', async () => {
    const { log, store } = await setup();
    const r = replica({ log, snapshots: store });
    await r.start();
    const seen: number[] = [];
    r.onApplied(() => {
      throw new Error('bad listener');
    });
    const off = r.onApplied((outcome, state) => seen.push(outcome.version * 100 + state.entities.services.size));
    await appendServices(log, 1, 2);
    await r.waitForVersion(4, 2_000);
    off();
    await appendServices(log, 3, 1);
    await r.waitForVersion(6, 2_000);
    expect(seen).toEqual([101, 201, 302, 402]);
  });

  it('keeps serving its last version while the log fails, then resubscribes and catches up without a gap', async () => {
    const { log, store } = await setup();
    const doubled = new DoubledLog(log);
    await appendServices(log, 1, 5);
    doubled.failAfter = { records: 3, times: 2 };
    const r = replica({ log: doubled, snapshots: store });
    await r.start();
    expect(doubled.subscriptions).toBe(3);
    expect(r.status()).toMatchObject({ version: 10, caughtUp: true, lastError: null });
    expect(r.status().hash).toBe(await replayHash(log));

    doubled.failAfter = { records: 0, times: 1 };
    await log.append(encode(createService(50)));
    await r.waitForVersion(10, 100);
    // The failed subscription is replaced; the record arrives through the next one.
    await r.waitForVersion(11, 2_000);
    expect(r.status().lastError).toBeNull();
  });

  it('reads what the log no longer holds from the event history', async () => {
    const { log, store } = await setup();
    await appendServices(log, 1, 3);
    const first = replica({ log, snapshots: store });
    await first.start();
    await store.save(first.snapshot()); // version 6
    await appendServices(log, 10, 5); // versions 7..16
    const doubled = new DoubledLog(log);
    doubled.earliest = 12;
    const history = memoryHistory(await readAll(log));
    const second = replica({ log: doubled, snapshots: store, history });
    await second.start();
    expect(history.reads).toBe(1);
    expect(second.status()).toMatchObject({ version: 16, bootedFromSnapshot: 6 });
    expect(second.status().hash).toBe(await replayHash(log));
  });

  it('fails to boot with a coded error when neither the log nor the history holds the gap', async () => {
    const { log, store } = await setup();
    await appendServices(log, 1, 5);
    const doubled = new DoubledLog(log);
    doubled.earliest = 6;
    const records = await readAll(log);
    await expect(replica({ log: doubled, snapshots: store }).start()).rejects.toMatchObject({
      code: 'GANTRY_REPLICA_HISTORY_GAP',
      message: 'versions 1..5 are no longer in the log and no event history is configured',
    });
    const history = memoryHistory(records, 3);
    await expect(replica({ log: doubled, snapshots: store, history }).start()).rejects.toMatchObject({
      code: 'GANTRY_REPLICA_HISTORY_GAP',
      message: expect.stringContaining('only holds versions up to 3') as string,
    });
  });

  it('refuses to boot past an event of a newer schema, and stops before one met later', async () => {
    const { log, store } = await setup();
    await appendServices(log, 1, 1);
    await log.append(Buffer.from(JSON.stringify({ ...createService(7), schema_version: 99 })));
    await expect(replica({ log, snapshots: store }).start()).rejects.toMatchObject({
      code: 'GANTRY_REPLICA_UNSUPPORTED_EVENT',
    });
  });

  it('stops folding before a newer-schema event once running, keeping its last version and saying why', async () => {
    const { log, store } = await setup();
    await appendServices(log, 1, 1);
    const r = replica({ log, snapshots: store });
    await r.start();
    await log.append(Buffer.from(JSON.stringify({ ...createService(7), schema_version: 99 })));
    await log.append(encode(createService(8)));
    await expect(r.waitForVersion(3, 300)).rejects.toMatchObject({ code: 'GANTRY_REPLICA_TIMEOUT' });
    expect(r.status()).toMatchObject({ version: 2, lastError: expect.stringMatching(/cannot fold version 3/) });
  });
});

describe('Snapshotter', () => {
  it('saves every N folded versions, and on close', async () => {
    const { log, store } = await setup();
    const r = replica({ log, snapshots: store });
    await r.start();
    const snapshotter = new Snapshotter(r, store, { events: 10, ms: 60_000, logger: silent });
    snapshotter.start();
    await appendServices(log, 1, 6); // 12 versions
    await r.waitForVersion(12, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.latest())?.version).toBe(10);
    await snapshotter.close();
    expect((await store.latest())?.version).toBe(12);
    expect(snapshotter.savedVersion()).toBe(12);
  });

  it('saves after T ms when something was folded', async () => {
    const { log, store } = await setup();
    const r = replica({ log, snapshots: store });
    await r.start();
    const snapshotter = new Snapshotter(r, store, { events: 1_000, ms: 30, logger: silent });
    snapshotter.start();
    closers.push(() => snapshotter.close());
    await appendServices(log, 1, 1);
    await r.waitForVersion(2, 2_000);
    for (let i = 0; i < 100 && snapshotter.savedVersion() < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await store.latest())?.version).toBe(2);
  });
});
