import { decodeEvent, findByUnique } from '@gantry/config';
import { EmbeddedConfigLog } from '@gantry/event-log';
import { LogConfigReplica, LogConfigWriter } from '@gantry/replica';
import { EmbeddedSnapshotStore } from '@gantry/store';
import pino from 'pino';
import { TempDirs } from '../../event-log/src/testing/temp-dirs';
import { readAll } from '../../replica/src/testing/log-doubles';
import { Reconciler } from './reconciler';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
let log: EmbeddedConfigLog;
let store: EmbeddedSnapshotStore;
let replica: LogConfigReplica;

beforeEach(async () => {
  const dataDir = await dirs.create('gantry-discovery-');
  log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await store.start();
  replica = new LogConfigReplica({ log, snapshots: store, logger: silent });
  await replica.start();
});

afterEach(async () => {
  await replica.close();
  await log.close();
  await store.close();
});
afterAll(() => dirs.removeAll());

describe('Reconciler on the real log, replica and writer', () => {
  it('appends one record per reconciliation, audited with source, actor and reason, and reads its own write', async () => {
    const writer = new LogConfigWriter({ log, replica });
    const reconciler = new Reconciler({ source: 'k8s:prod', fold: replica, writer, logger: silent, region: 'eu' });
    const snapshot = {
      reason: 'k8s list at resourceVersion 812',
      upstreams: [
        { name: 'orders', create: {}, targets: [{ target: '10.0.0.1:8080', weight: 100 }] },
        { name: 'users', create: {}, targets: [{ target: '10.0.0.2:8080', weight: 100 }] },
      ],
    };

    expect(await reconciler.resync(snapshot)).toMatchObject({ outcome: 'written', events: 1, version: 1 });
    expect(await reconciler.resync(snapshot)).toMatchObject({ outcome: 'unchanged', events: 0 });
    await reconciler.close();

    const records = await readAll(log);
    expect(records).toHaveLength(1);
    const event = decodeEvent(records[0].value);
    expect(event).toMatchObject({
      type: 'changeset',
      source: 'discovery',
      actor: 'discovery:k8s:prod',
      origin_region: 'eu',
      reason: 'k8s list at resourceVersion 812',
    });
    expect(event.changes).toHaveLength(4);
    expect(findByUnique(replica.state, 'upstreams', 'name', 'users')).toBeDefined();
    expect(replica.state.entities.targets.size).toBe(2);
  });
});
