import { appendFile, stat, truncate } from 'node:fs/promises';
import fc from 'fast-check';
import pino from 'pino';
import type { LogRecord } from '../config-log';
import { TempDirs } from '../testing/temp-dirs';
import { EmbeddedConfigLog } from './embedded-config-log';
import { frameSize } from './record-codec';

const silent = pino({ level: 'silent' });
const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

const entry = fc.record({
  key: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
  value: fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
});

describe('EmbeddedConfigLog crash recovery (property)', () => {
  it('reopening after the tail is cut at any point, and garbage appended, yields exactly the whole records before the cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: 1, maxLength: 25 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ maxLength: 64 }),
        async (entries, cutFraction, garbage) => {
          const dataDir = await dirs.create();
          const writer = new EmbeddedConfigLog({ dataDir, logger: silent });
          await writer.start();
          for (const { key, value } of entries) await writer.append(value, key === null ? {} : { key });
          await writer.close();

          // Cut somewhere in the last third of the file: the region a crash can tear.
          const size = (await stat(writer.path)).size;
          const cut = Math.round(size * (2 / 3 + cutFraction / 3));
          await truncate(writer.path, cut);
          if (garbage.length > 0) await appendFile(writer.path, garbage);

          let end = 0;
          const expected = entries.filter(({ key, value }) => (end += frameSize(key, value)) <= cut);

          const reader = new EmbeddedConfigLog({ dataDir, logger: silent });
          await reader.start();
          try {
            expect(await reader.headVersion()).toBe(expected.length);
            const records = await readAll(reader);
            expect(records.map(({ key, value }) => ({ key, value: [...value] }))).toEqual(
              expected.map(({ key, value }) => ({ key, value: [...value] })),
            );
            expect(await reader.append(Buffer.from('after recovery'))).toBe(expected.length + 1);
          } finally {
            await reader.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});

async function readAll(log: EmbeddedConfigLog): Promise<LogRecord[]> {
  const head = await log.headVersion();
  const records: LogRecord[] = [];
  if (head === 0) return records;
  const subscription = await new Promise<{ close(): Promise<void> }>((resolve) => {
    const pending = log.subscribe(1, (record) => {
      records.push(record);
      if (record.version === head) void pending.then(resolve);
    });
  });
  await subscription.close();
  return records;
}
