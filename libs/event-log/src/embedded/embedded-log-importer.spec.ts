import pino from 'pino';
import { readAll } from '../../../replica/src/testing/log-doubles';
import type { LogRecord } from '../config-log';
import { TempDirs } from '../testing/temp-dirs';
import { EmbeddedConfigLog } from './embedded-config-log';
import { EmbeddedLogImporter } from './embedded-log-importer';

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const silent = pino({ level: 'silent' });

const record = (version: number): LogRecord => ({
  version,
  key: version % 2 === 0 ? `k${version}` : null,
  value: Buffer.from(`value ${version}`),
  timestamp: 1_700_000_000_000 + version,
});

describe('EmbeddedLogImporter', () => {
  it('writes a log that EmbeddedConfigLog opens with the same versions, keys, values and timestamps', async () => {
    const dataDir = await dirs.create();
    const importer = await EmbeddedLogImporter.create({ dataDir, batchBytes: 64, logger: silent });
    const records = Array.from({ length: 50 }, (_, i) => record(i + 1));
    for (const r of records) await importer.write(r);
    expect(await importer.finish()).toBe(50);

    const log = new EmbeddedConfigLog({ dataDir, logger: silent });
    await log.start();
    try {
      expect(await log.headVersion()).toBe(50);
      expect(await readAll(log)).toEqual(records);
      // Appends continue after the imported records.
      expect(await log.append(Buffer.from('next'))).toBe(51);
    } finally {
      await log.close();
    }
  });

  it('writes batches of any size, splitting frames across writes as the batch fills', async () => {
    const dataDir = await dirs.create();
    const importer = await EmbeddedLogImporter.create({ dataDir, batchBytes: 100, logger: silent });
    const big = { ...record(3), value: Buffer.alloc(5_000, 7) };
    const records = [record(1), record(2), big, ...Array.from({ length: 40 }, (_, i) => record(i + 4))];
    await importer.writeAll(records.slice(0, 2));
    await importer.writeAll(records.slice(2, 30));
    await importer.writeAll([]);
    await importer.writeAll(records.slice(30));
    expect(await importer.finish()).toBe(records.length);
    const log = new EmbeddedConfigLog({ dataDir, logger: silent });
    await log.start();
    try {
      expect(await readAll(log)).toEqual(records);
    } finally {
      await log.close();
    }
  });

  it('refuses a batch with a version out of order without queuing any of it', async () => {
    const dataDir = await dirs.create();
    const importer = await EmbeddedLogImporter.create({ dataDir, logger: silent });
    await expect(importer.writeAll([record(1), record(3)])).rejects.toMatchObject({
      code: 'GANTRY_LOG_POSITION_INVALID',
    });
    expect(importer.nextVersion()).toBe(1);
    await importer.writeAll([record(1), record(2)]);
    expect(await importer.finish()).toBe(2);
  });

  it('refuses a record out of order and a directory that already holds a log', async () => {
    const dataDir = await dirs.create();
    const importer = await EmbeddedLogImporter.create({ dataDir, logger: silent });
    await expect(importer.write(record(2))).rejects.toMatchObject({ code: 'GANTRY_LOG_POSITION_INVALID' });
    await importer.write(record(1));
    await importer.finish();
    await expect(EmbeddedLogImporter.create({ dataDir, logger: silent })).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
