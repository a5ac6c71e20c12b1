/**
 * `npx gantry replay` against real Kafka and Cassandra: a config topic with a short retention whose first records
 * Kafka really deleted, so the replay reads them from the Cassandra history the persister wrote, then the rest from
 * Kafka; into a data directory a standalone process boots from, and into a fresh keyspace; `--verify` against the
 * live state; a non-empty target, a tampered history and a missing history row each fail with their own exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EmbeddedConfigLog, KafkaConfigLog, type LogRecord } from '@gantry/event-log';
import { LogConfigReplica, ReplicaFold } from '@gantry/replica';
import { CassandraEventHistory, CassandraSnapshotStore, EmbeddedSnapshotStore, Persister } from '@gantry/store';
import { ConfigResourceTypes } from 'kafkajs';
import pino from 'pino';
import { EXIT } from '../../apps/cli/src/exit-codes';
import { parseReplayArgs, type ReplayCommand } from '../../apps/cli/src/replay/replay-args';
import { runReplay } from '../../apps/cli/src/replay/replay-command';
import { createService, encode, mixedLog, uid } from '../../libs/replica/src/testing/events';
import { eventually, storedStateHash } from '../../libs/store/src/testing/stored-state';
import { cassandraLocalDc, uniqueName } from '../support/infra-env';
import { useSharedBackends } from '../support/shared-backends';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const silent = pino({ level: 'silent' });
const shared = useSharedBackends('gantry-test-replay');
/** The broker checks retention every `log.retention.check.interval.ms`: 1 s with our infra, 5 min by default. */
const RETENTION_WAIT_MS = 330_000;

let topic: string;
let keyspace: string;
let head: number;
let earliest: number;
/** fold(log[1..head]), from the complete history, before anything is tampered with. */
let reference: ReplicaFold;
let records: LogRecord[];
let scratch: string;
let log: KafkaConfigLog;

function env(): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    GANTRY_KAFKA_TOPIC: topic,
    GANTRY_CASSANDRA_KEYSPACE: keyspace,
    GANTRY_CASSANDRA_REPLICATION: `${cassandraLocalDc()}:1`,
    GANTRY_LOG_LEVEL: 'warn',
  };
}

function topicConfigs(retentionMs: string): Record<string, string> {
  return {
    'retention.ms': retentionMs,
    'retention.bytes': '-1',
    'segment.bytes': '1024',
    'segment.ms': '100',
    'cleanup.policy': 'delete',
    'min.insync.replicas': '1',
  };
}

/** alterConfigs replaces a topic's whole configuration, so every entry is sent each time. */
async function setRetention(retentionMs: string): Promise<void> {
  await shared.kafka.admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: Object.entries(topicConfigs(retentionMs)).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

/** `gantry replay <args>` in this process, with its output captured. */
async function replayInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = parseReplayArgs(args, env()) as ReplayCommand;
  const stdout = new PassThrough();
  const stderr = new PassThrough() as PassThrough & NodeJS.WriteStream;
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await runReplay(command, { stdout, stderr, logger: silent });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** `npx gantry <args>` as an operator runs it, from the repository root. */
function npxGantry(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'gantry', ...args], { cwd: ROOT, env: env() });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout: out.join(''), stderr: err.join('') }));
  });
}

async function historyRows(ks: string, to: number): Promise<LogRecord[]> {
  const history = new CassandraEventHistory({ connection: shared.cassandra, keyspace: ks });
  const rows: LogRecord[] = [];
  for await (const record of history.read(1, to)) rows.push(record);
  return rows;
}

beforeAll(async () => {
  topic = uniqueName('replay');
  keyspace = uniqueName('replay_live');
  shared.topics.push(topic);
  shared.keyspaces.push(keyspace);
  scratch = await mkdtemp(join(tmpdir(), 'gantry-replay-'));

  // The topic keeps everything while the persister stores the first batch, then deletes what is older than a
  // second (in segments of about 1 KiB; Kafka also rolls and deletes an expired active segment), then keeps
  // everything again for the second batch: Kafka holds only the end of the log, Cassandra all of it.
  await shared.kafka.ensureTopic({ topic, numPartitions: 1, replicationFactor: 1, configs: topicConfigs('-1') });
  log = new KafkaConfigLog({ connection: shared.kafka, topic, logger: silent });
  await log.start();
  const persister = new Persister({
    log,
    connection: shared.cassandra,
    keyspace,
    replication: { [cassandraLocalDc()]: 1 },
    snapshotEvery: { events: 10, ms: 60_000 },
    headPollMs: 200,
    logger: silent,
  });
  await persister.start();
  const persisted = (version: number) =>
    eventually(() => persister.health().persistedVersion >= version, 60_000, `the persister to store ${version}`);
  for (const value of [1, 2, 3].flatMap((n) => mixedLog(n))) head = await log.append(value);
  await persisted(head);
  const dropped = head;

  await setRetention('1000');
  await eventually(
    async () => (await log.earliestVersion()) > dropped,
    RETENTION_WAIT_MS,
    'Kafka to delete old segments',
  );
  await setRetention('-1');
  for (const value of mixedLog(4)) head = await log.append(value);
  await persisted(head);
  await eventually(() => persister.health().lastSnapshotVersion >= 10, 20_000, 'a live snapshot');
  await persister.close();
  earliest = await log.earliestVersion();
  records = await historyRows(keyspace, head);
  reference = new ReplicaFold();
  for (const record of records) reference.apply(record);
}, RETENTION_WAIT_MS + 120_000);

afterAll(async () => {
  await log?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('gantry replay', () => {
  it('npx gantry replay --into <dir> --verify: history first, then Kafka, into a directory standalone boots from', async () => {
    expect(await log.earliestVersion()).toBe(earliest);
    expect(earliest).toBe(28); // the first batch, 3 x 9 records, is gone
    expect(head).toBe(36);
    const dataDir = join(scratch, 'dir');
    const run = await npxGantry(['replay', '--until', String(head), '--into', dataDir, '--verify']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: EXIT.ok, stderr: expect.any(String) });
    expect(run.stdout).toContain(
      `replayed versions 1..${head} (until version ${head}) into directory ${dataDir}: ` +
        `${earliest - 1} from the event history, ${head - earliest + 1} from the log`,
    );
    expect(run.stdout).toContain(`verified: directory ${dataDir} matches the live configuration at version ${head}`);

    // Booted as standalone mode boots: the snapshot, then the embedded log after it.
    const embedded = new EmbeddedConfigLog({ dataDir, logger: silent });
    const snapshots = new EmbeddedSnapshotStore({ dataDir, logger: silent });
    await embedded.start();
    await snapshots.start();
    const replica = new LogConfigReplica({ log: embedded, snapshots, logger: silent });
    try {
      await replica.start();
      expect(replica.version()).toBe(head);
      expect(replica.status().hash).toBe(reference.hash());
      expect((await snapshots.latest())?.version).toBe(head);
    } finally {
      await replica.close();
      await embedded.close();
      await snapshots.close();
    }
  });

  it('--into keyspace:<name> --verify writes history, entities and a snapshot as the persister does', async () => {
    const target = uniqueName('replayed');
    shared.keyspaces.push(target);
    const until = head - 1;
    const run = await replayInProcess(['--until', String(until), '--into', `keyspace:${target}`, '--verify']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
    expect(run.stdout).toContain(`verified: keyspace ${target} matches the live configuration at version ${until}`);

    const expected = new ReplicaFold();
    for (const record of records.slice(0, until)) expected.apply(record);
    expect(await storedStateHash(shared.cassandra, target)).toBe(expected.hash());
    const replayed = await historyRows(target, until);
    expect(replayed.map((r) => [r.version, r.key, r.value.toString('hex'), r.timestamp])).toEqual(
      records.slice(0, until).map((r) => [r.version, r.key, r.value.toString('hex'), r.timestamp]),
    );
    const snapshot = await new CassandraSnapshotStore({ connection: shared.cassandra, keyspace: target }).latest();
    expect(snapshot).toMatchObject({ version: until, hash: expected.hash() });
    expect(await new CassandraEventHistory({ connection: shared.cassandra, keyspace: target }).persistedVersion()).toBe(
      until,
    );

    // A second replay into the same keyspace, or into the live one, is refused.
    const again = await replayInProcess(['--until', '3', '--into', `keyspace:${target}`]);
    expect(again).toMatchObject({ code: EXIT.targetNotEmpty, stderr: expect.stringContaining('is not empty') });
  });

  it('refuses a non-empty directory and a version beyond the head', async () => {
    const full = await replayInProcess(['--until', '3', '--into', join(scratch, 'dir')]);
    expect(full).toMatchObject({ code: EXIT.targetNotEmpty, stderr: expect.stringContaining('is not empty') });
    const beyond = await replayInProcess(['--until', String(head + 5), '--into', join(scratch, 'beyond')]);
    expect(beyond).toMatchObject({
      code: EXIT.sourceIncomplete,
      stderr: expect.stringContaining(`version ${head + 5} is beyond the head of the log (version ${head})`),
    });
  });

  it('--verify names the first differing entity when the stored history was tampered with', async () => {
    // Version 1 created service 1001; the tampered row creates service 1999 under the same name instead.
    await shared.cassandra.execute(
      `UPDATE ${keyspace}.events_by_bucket SET value = ? WHERE bucket = 0 AND version = 1`,
      [encode(createService(1_999, {}, 'svc-1001'))],
    );
    const run = await replayInProcess(['--until', String(head), '--into', join(scratch, 'tampered'), '--verify']);
    expect(run.code).toBe(EXIT.mismatch);
    expect(run.stderr).toContain(`differ from the live configuration at version ${head}: services ${uid(1_001)}`);
  });

  it('fails clearly when the history lacks a version Kafka no longer holds', async () => {
    await shared.cassandra.execute(`DELETE FROM ${keyspace}.events_by_bucket WHERE bucket = 0 AND version = 2`);
    const run = await replayInProcess(['--until', String(head), '--into', join(scratch, 'missing')]);
    expect(run.code).toBe(EXIT.sourceIncomplete);
    expect(run.stderr).toContain(`the event history lacks version 2 (never persisted, or deleted)`);
    expect(run.stderr).toContain(`the log starts at version ${earliest}`);
  });
});
