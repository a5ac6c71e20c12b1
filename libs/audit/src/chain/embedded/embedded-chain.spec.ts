import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedConfigLog } from '@gantry/event-log';
import pino from 'pino';
import { eventually } from '../../../../store/src/testing/stored-state';
import { ChainKeys } from '../chain-keys';
import { EventChain } from '../event-chain';
import { ed25519Pem, mixedRecords } from '../testing/chain-fixtures';
import { rewriteEmbeddedRecord } from '../testing/tamper-log';
import { verifyChain } from '../verify-chain';
import { EmbeddedChain } from './embedded-chain';
import { LINK_BYTES } from './link-codec';

const silent = pino({ level: 'silent' });
const { privatePem } = ed25519Pem();
const keys = ChainKeys.load({ signingKey: privatePem });
const chain = new EventChain(keys);

let dataDir: string;
let open: { log: EmbeddedConfigLog; embedded: EmbeddedChain }[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gantry-chain-'));
});

afterEach(async () => {
  for (const { embedded, log } of open.splice(0)) {
    await embedded.close();
    await log.close();
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** A log and its chain over `dataDir`, started. */
async function start(batch?: number): Promise<{ log: EmbeddedConfigLog; embedded: EmbeddedChain }> {
  const log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  const embedded = new EmbeddedChain({ log, dataDir, chain, logger: silent, batch });
  await embedded.start();
  const pair = { log, embedded };
  open.push(pair);
  return pair;
}

async function stop(pair: { log: EmbeddedConfigLog; embedded: EmbeddedChain }): Promise<void> {
  open = open.filter((p) => p !== pair);
  await pair.embedded.close();
  await pair.log.close();
}

async function append(log: EmbeddedConfigLog, count: number, skip = 0): Promise<number> {
  let version = 0;
  for (const record of mixedRecords(skip + count).slice(skip)) version = await log.append(record.value);
  return version;
}

async function linked(embedded: EmbeddedChain, version: number): Promise<void> {
  await eventually(async () => (await embedded.head()) >= version, 10_000, `the chain to reach ${version}`);
}

describe('EmbeddedChain', () => {
  it('links every record of the log into the chain file, signed, and continues after a restart', async () => {
    const first = await start(4);
    await append(first.log, 25);
    await linked(first.embedded, 25);
    expect(await verifyChain(first.embedded, keys)).toMatchObject({ valid: true, checked: 25, signed: true });
    await stop(first);
    expect((await readFile(join(dataDir, 'log', 'config.chain'))).length).toBe(8 + 25 * LINK_BYTES);

    const second = await start();
    expect(await second.embedded.head()).toBe(25);
    await append(second.log, 10, 25);
    await linked(second.embedded, 35);
    expect(await verifyChain(second.embedded, keys)).toMatchObject({ valid: true, checked: 35 });
    expect(await verifyChain(second.embedded, keys, { from: 20, to: 30 })).toMatchObject({ valid: true, checked: 11 });
  });

  it('detects a log record rewritten on disk and names its version', async () => {
    const first = await start();
    await append(first.log, 20);
    await linked(first.embedded, 20);
    const before = await verifyChain(first.embedded, keys);
    await stop(first);

    await rewriteEmbeddedRecord(dataDir, 7, (value) => Buffer.from(value.toString().replace('"test"', '"evil"')));
    const second = await start();
    const report = await verifyChain(second.embedded, keys);
    expect(report).toMatchObject({ valid: false, checked: 6, first_broken: { version: 7, reason: 'hash_mismatch' } });
    expect(before.valid).toBe(true);
  });

  it('cuts a torn tail off the chain file and links those records again from the log', async () => {
    const first = await start();
    await append(first.log, 12);
    await linked(first.embedded, 12);
    await stop(first);
    const path = join(dataDir, 'log', 'config.chain');
    // A crash mid-write: the last link half written, then zeros where a further link was being written.
    await truncate(path, 8 + 11 * LINK_BYTES + 50);
    await appendFile(path, Buffer.alloc(LINK_BYTES * 2 - 50));

    const second = await start();
    await linked(second.embedded, 12);
    expect(await verifyChain(second.embedded, keys)).toMatchObject({ valid: true, checked: 12 });
  });

  it('does not link onto a log that is shorter than its chain, and verification names the missing record', async () => {
    const first = await start();
    await append(first.log, 10);
    await linked(first.embedded, 10);
    await stop(first);
    await writeFile(join(dataDir, 'log', 'config.log'), Buffer.alloc(0)); // the log replaced by an empty one

    const second = await start();
    await append(second.log, 3, 5); // other events than the ones linked before
    expect(second.embedded.lastError).toMatch(/holds 10 links but the log only 0 records/);
    expect((await verifyChain(second.embedded, keys)).first_broken).toMatchObject({
      version: 1,
      reason: 'hash_mismatch',
    });
    expect((await verifyChain(second.embedded, keys, { from: 5 })).first_broken).toMatchObject({
      version: 4,
      reason: 'missing_record',
    });
  });
});
