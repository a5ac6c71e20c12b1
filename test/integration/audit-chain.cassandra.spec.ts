/**
 * The audit hash chain in Cassandra: the persister links every history row, verification recomputes the chain
 * from `events_by_bucket`, and an event altered in Cassandra afterwards is named by its version.
 */
import { ChainKeys, ChainVerifier, EventChain } from '@gantry/audit';
import { KafkaConfigLog, type ConfigLog } from '@gantry/event-log';
import {
  CassandraChainLinks,
  CassandraEventHistory,
  Persister,
  historyBucket,
  type PersisterOptions,
} from '@gantry/store';
import { ed25519Pem } from '../../libs/audit/src/chain/testing/chain-fixtures';
import { mixedLog } from '../../libs/replica/src/testing/events';
import { eventually } from '../../libs/store/src/testing/stored-state';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(90_000);

const shared = useSharedBackends('gantry-test-audit-chain');
const { privatePem, publicPem } = ed25519Pem();
const chain = new EventChain(ChainKeys.load({ signingKey: privatePem }));
/** What an auditor holds: the public key only. */
const auditorKeys = ChainKeys.load({ verifyKey: publicPem });

const newLog = (): Promise<KafkaConfigLog> => shared.newLog('audit_chain');

const newKeyspace = (): string => shared.newKeyspace('audit_chain');

function persister(options: Pick<PersisterOptions, 'log' | 'keyspace'> & Partial<PersisterOptions>): Persister {
  return shared.newPersister({ chain, ...options });
}

async function append(log: ConfigLog, values: Buffer[]): Promise<number> {
  let version = 0;
  for (const value of values) version = await log.append(value);
  return version;
}

async function persisted(p: Persister, keyspace: string, version: number): Promise<void> {
  const history = new CassandraEventHistory({ connection: shared.cassandra, keyspace });
  await eventually(
    async () => p.health().persistedVersion >= version && (await history.persistedVersion()) >= version,
    30_000,
    `version ${version} to be persisted (health: ${JSON.stringify(p.health())})`,
  );
}

function verifier(keyspace: string, keys = auditorKeys): ChainVerifier {
  return new ChainVerifier(new CassandraChainLinks({ connection: shared.cassandra, keyspace, pageSize: 7 }), keys);
}

async function update(keyspace: string, version: number, column: string, value: unknown): Promise<void> {
  await shared.cassandra.execute(
    `UPDATE ${keyspace}.events_by_bucket SET ${column} = ? WHERE bucket = ? AND version = ?`,
    [value, historyBucket(version), version],
  );
}

async function storedValue(keyspace: string, version: number): Promise<Buffer> {
  const result = await shared.cassandra.execute(
    `SELECT value FROM ${keyspace}.events_by_bucket WHERE bucket = ? AND version = ?`,
    [historyBucket(version), version],
  );
  return result.first().get('value') as Buffer;
}

describe('audit hash chain in Cassandra', () => {
  it('is written by the persister, signed, and verifies whole and by range', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const head = await append(
      log,
      [1, 2, 3].flatMap((n) => mixedLog(n)),
    );
    const p = persister({ log, keyspace });
    await p.start();
    await persisted(p, keyspace, head);

    const rows = await shared.cassandra.execute(
      `SELECT version, prev_hash, hash, signature FROM ${keyspace}.events_by_bucket WHERE bucket = 0`,
    );
    expect(rows.rows).toHaveLength(head);
    let prev = chain.genesisHash;
    for (const row of rows.rows) {
      expect(row.get('prev_hash')).toBe(prev);
      expect(row.get('hash')).toMatch(/^[0-9a-f]{64}$/);
      expect(auditorKeys.verify(row.get('hash') as string, row.get('signature') as string)).toBe(true);
      prev = row.get('hash') as string;
    }
    expect(await verifier(keyspace).verify()).toEqual({
      valid: true,
      from: 1,
      to: head,
      checked: head,
      first_broken: null,
      signed: true,
      last_hash: prev,
    });
    expect(await verifier(keyspace).verify({ from: 10, to: 20 })).toMatchObject({ valid: true, checked: 11 });
  });

  it('names the version whose stored value was changed with a CQL UPDATE, and a changed query column', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const head = await append(
      log,
      [1, 2].flatMap((n) => mixedLog(n)),
    );
    const p = persister({ log, keyspace });
    await p.start();
    await persisted(p, keyspace, head);
    await p.close();

    // Version 10 creates service svc-2001; the tamperer renames it in the stored event.
    const original = await storedValue(keyspace, 10);
    const altered = Buffer.from(original.toString('utf8').replace('"svc-2001"', '"evil-2001"'));
    expect(altered.equals(original)).toBe(false);
    await update(keyspace, 10, 'value', altered);
    const report = await verifier(keyspace).verify();
    expect(report).toMatchObject({ valid: false, checked: 9, first_broken: { version: 10, reason: 'hash_mismatch' } });
    expect(report.first_broken?.actual).not.toBe(report.first_broken?.expected);
    // A range that starts after the altered event does not see it.
    expect(await verifier(keyspace).verify({ from: 11 })).toMatchObject({ valid: true });

    await update(keyspace, 10, 'value', original);
    await update(keyspace, 4, 'actor', 'someone-else');
    expect((await verifier(keyspace).verify()).first_broken).toEqual({
      version: 4,
      reason: 'metadata_mismatch',
      field: 'actor',
      expected: 'test',
      actual: 'someone-else',
    });
  });

  it('continues the chain from the stored hash after a restart', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const first = persister({ log, keyspace });
    await first.start();
    await persisted(first, keyspace, await append(log, mixedLog(1)));
    await first.close();

    const head = await append(log, [...mixedLog(2), ...mixedLog(3)]);
    const second = persister({ log, keyspace });
    await second.start();
    await persisted(second, keyspace, head);
    expect(await verifier(keyspace).verify()).toMatchObject({ valid: true, checked: head });
  });

  it('adds the chain columns to a keyspace created before them and links the history stored without a chain', async () => {
    const log = await newLog();
    const keyspace = newKeyspace();
    const old = persister({ log, keyspace, chain: undefined });
    await old.start();
    const firstHead = await append(
      log,
      [1, 2].flatMap((n) => mixedLog(n)),
    );
    await persisted(old, keyspace, firstHead);
    await old.close();
    // The table as an older build created it.
    await shared.cassandra.client.execute(`ALTER TABLE ${keyspace}.events_by_bucket DROP (prev_hash, hash, signature)`);

    const head = await append(log, mixedLog(3));
    const upgraded = persister({ log, keyspace });
    await upgraded.start();
    await persisted(upgraded, keyspace, head);
    expect(await verifier(keyspace).verify()).toMatchObject({ valid: true, checked: head, signed: true });
  });
});
