/**
 * Leader leases on a real Cassandra (lightweight transactions with a TTL): one holder at a time, renewal, release,
 * and a takeover once a dead holder's lease expired.
 */
import { CassandraLeaseStore, LeaderElector, ensureStoreSchema } from '@gantry/store';
import pino from 'pino';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { cassandraLocalDc, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(60_000);

const silent = pino({ level: 'silent' });
const backends = useSharedBackends('leases-test');

async function newStore(): Promise<CassandraLeaseStore> {
  const keyspace = uniqueName('leases');
  backends.keyspaces.push(keyspace);
  await ensureStoreSchema(backends.cassandra, { keyspace, replication: { [cassandraLocalDc()]: 1 } });
  const store = new CassandraLeaseStore(backends.cassandra, keyspace);
  await store.ensureSchema();
  return store;
}

describe('CassandraLeaseStore', () => {
  it('grants a lease to one holder at a time, renews it for its holder only, and releases it', async () => {
    const store = await newStore();
    expect(await store.tryAcquire('job', 'a', 5_000)).toBe(true);
    expect(await store.tryAcquire('job', 'b', 5_000)).toBe(false);
    expect(await store.renew('job', 'b', 5_000)).toBe(false);
    expect(await store.renew('job', 'a', 5_000)).toBe(true);
    expect(await store.holder('job')).toBe('a');
    await store.release('job', 'b');
    expect(await store.holder('job')).toBe('a');
    await store.release('job', 'a');
    expect(await store.holder('job')).toBeNull();
    expect(await store.tryAcquire('job', 'b', 5_000)).toBe(true);
    // A holder that restarted under the same identity gets its own lease back.
    expect(await store.tryAcquire('job', 'b', 5_000)).toBe(true);
  });

  it('lets the lease of a holder that stopped renewing expire, and a standby take over', async () => {
    const store = await newStore();
    expect(await store.tryAcquire('job', 'dead', 1_000)).toBe(true);
    const standby = new LeaderElector({
      store,
      name: 'job',
      holder: 'standby',
      ttlMs: 3_000,
      intervalMs: 250,
      logger: silent,
      onElected: () => undefined,
      onDeposed: () => undefined,
    });
    standby.start();
    await eventually(() => standby.isLeader, 15_000, 'the standby to take over');
    expect(await store.holder('job')).toBe('standby');
    await standby.stop();
    expect(await store.holder('job')).toBeNull();
  });
});
