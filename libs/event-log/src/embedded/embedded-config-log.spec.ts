import { appendFile, open, stat, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import pino from 'pino';
import { LogCorruptError, LogLockedError, LogRecordTooLargeError } from '../errors';
import { captureLogger } from '../testing/capture-logger';
import { describeConfigLogContract } from '../testing/config-log-contract';
import { TempDirs } from '../testing/temp-dirs';
import { EmbeddedConfigLog, type EmbeddedConfigLogOptions } from './embedded-config-log';
import { FRAME_HEADER_BYTES, encodeFrame } from './record-codec';

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());
const silent = pino({ level: 'silent' });

describeConfigLogContract(
  'embedded',
  async () => new EmbeddedConfigLog({ dataDir: await dirs.create(), logger: silent }),
);

// Tiny in-memory tail, so catching up exercises reads from the file as well.
describeConfigLogContract(
  'embedded, reading from disk',
  async () => new EmbeddedConfigLog({ dataDir: await dirs.create(), logger: silent, recentRecords: 2 }),
);

describe('EmbeddedConfigLog on disk', () => {
  const opened: EmbeddedConfigLog[] = [];
  afterEach(() => Promise.all(opened.splice(0).map((log) => log.close())));

  const openLog = async (options: EmbeddedConfigLogOptions): Promise<EmbeddedConfigLog> => {
    const log = new EmbeddedConfigLog({ logger: silent, ...options });
    opened.push(log);
    await log.start();
    return log;
  };
  const fill = async (dataDir: string, values: string[]): Promise<string> => {
    const log = new EmbeddedConfigLog({ dataDir, logger: silent });
    await log.start();
    for (const value of values) await log.append(Buffer.from(value), { key: `k-${value}` });
    await log.close();
    return log.path;
  };
  const readAll = async (log: EmbeddedConfigLog): Promise<string[]> => {
    const head = await log.headVersion();
    const values: string[] = [];
    if (head === 0) return values;
    await new Promise<void>((resolve) => {
      void log.subscribe(1, (record) => {
        values.push(record.value.toString());
        if (record.version === head) resolve();
      });
    });
    return values;
  };

  it('keeps every record across a restart and continues the version sequence', async () => {
    const dataDir = await dirs.create();
    await fill(dataDir, ['a', 'b', 'c']);
    const log = await openLog({ dataDir });
    expect(await log.headVersion()).toBe(3);
    expect(await log.append(Buffer.from('d'))).toBe(4);
    expect(await readAll(log)).toEqual(['a', 'b', 'c', 'd']);
  });

  it.each([
    ['cut inside the frame header', (frameStart: number) => frameStart + 3, 0],
    ['cut inside the payload', (frameStart: number) => frameStart + FRAME_HEADER_BYTES + 10, 0],
    ['cut, then garbage appended', (frameStart: number) => frameStart + 15, 7],
    ['cut, then more garbage than the record was long', (frameStart: number) => frameStart + 12, 500],
  ])('drops only a torn last record (%s) and logs it', async (_, cutAt, garbage) => {
    const dataDir = await dirs.create();
    const path = await fill(dataDir, ['one', 'two', 'three-is-a-longer-record-than-the-others']);
    const lastFrameStart =
      (await stat(path)).size -
      lastFrameSize('three-is-a-longer-record-than-the-others', 'k-three-is-a-longer-record-than-the-others');
    await truncate(path, cutAt(lastFrameStart));
    if (garbage > 0) await appendFile(path, Buffer.alloc(garbage, 0xab));

    const { logger, lines } = captureLogger();
    const log = await openLog({ dataDir, logger });
    expect(await log.headVersion()).toBe(2);
    expect((await stat(path)).size).toBe(lastFrameStart);
    expect(lines()).toContainEqual(expect.objectContaining({ level: 40, offset: lastFrameStart, keptRecords: 2 }));
    expect(await log.append(Buffer.from('three again'))).toBe(3);
    expect(await readAll(log)).toEqual(['one', 'two', 'three again']);
  });

  it('treats a zero-filled tail (file extended, data never written) as torn', async () => {
    const dataDir = await dirs.create();
    const path = await fill(dataDir, ['one', 'two']);
    await appendFile(path, Buffer.alloc(4096));
    const log = await openLog({ dataDir });
    expect(await log.headVersion()).toBe(2);
    expect(await log.append(Buffer.from('three'))).toBe(3);
  });

  it('refuses to open a file with a checksum mismatch in the middle, naming the offset', async () => {
    const dataDir = await dirs.create();
    const path = await fill(dataDir, ['one', 'two', 'three']);
    const secondFrameStart = lastFrameSize('one', 'k-one');
    const size = (await stat(path)).size;
    await flipByte(path, secondFrameStart + FRAME_HEADER_BYTES + 25);

    const log = new EmbeddedConfigLog({ dataDir, logger: silent });
    const failure = log.start();
    await expect(failure).rejects.toBeInstanceOf(LogCorruptError);
    await expect(failure).rejects.toMatchObject({ code: 'GANTRY_LOG_CORRUPT', offset: secondFrameStart });
    await expect(failure).rejects.toThrow(`byte offset ${secondFrameStart}`);
    await expect(failure).rejects.toThrow('checksum mismatch');
    // The file is left exactly as it was, for an operator to inspect.
    expect((await stat(path)).size).toBe(size);
    // A failed start releases the lock: a second attempt fails the same way, not with "locked".
    await expect(log.start()).rejects.toBeInstanceOf(LogCorruptError);
  });

  it('refuses a corrupted length field in the middle rather than truncating what follows', async () => {
    const dataDir = await dirs.create();
    const path = await fill(dataDir, ['one', 'two', 'three']);
    const file = await open(path, 'r+');
    await file.write(Buffer.from([0x00, 0x10, 0x00, 0x00]), 0, 4, 0); // record 1 now claims 1 MiB
    await file.close();
    const failure = new EmbeddedConfigLog({ dataDir, logger: silent }).start();
    await expect(failure).rejects.toMatchObject({ code: 'GANTRY_LOG_CORRUPT', offset: 0 });
    await expect(failure).rejects.toThrow(`version 2 is intact at byte offset ${lastFrameSize('one', 'k-one')}`);
  });

  it('lets only one instance own a data directory, and frees it on close', async () => {
    const dataDir = await dirs.create();
    const first = await openLog({ dataDir });
    const second = new EmbeddedConfigLog({ dataDir, logger: silent });
    const refused = second.start();
    await expect(refused).rejects.toBeInstanceOf(LogLockedError);
    await expect(refused).rejects.toThrow(/held by this process/);
    await first.close();
    await second.start();
    opened.push(second);
    expect(await second.headVersion()).toBe(0);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dataDir = await dirs.create();
    const log = await openLog({ dataDir });
    await log.close();
    const deadPid = 2 ** 22 + 17; // above Linux's pid_max default, so never a live process
    await writeFile(
      `${log.path}.lock`,
      JSON.stringify({ pid: deadPid, hostname: hostname(), nonce: 'x', acquiredAt: '' }),
    );
    const { logger, lines } = captureLogger();
    await openLog({ dataDir, logger });
    expect(lines()).toContainEqual(expect.objectContaining({ stalePid: deadPid }));
  });

  it('refuses a lock file that does not name its owner', async () => {
    const dataDir = await dirs.create();
    const log = await openLog({ dataDir });
    await log.close();
    await writeFile(`${log.path}.lock`, '');
    await expect(new EmbeddedConfigLog({ dataDir, logger: silent }).start()).rejects.toThrow(/does not name its owner/);
  });

  it('rejects a record over the size limit without touching the log', async () => {
    const log = await openLog({ dataDir: await dirs.create(), maxRecordBytes: 1024 });
    await expect(log.append(Buffer.alloc(1024))).rejects.toBeInstanceOf(LogRecordTooLargeError);
    expect(await log.append(Buffer.alloc(900))).toBe(1);
  });

  // How fast it opens is measured by `npm run bench`, never asserted here.
  it('opens a 100k-record log and appends after its last record', async () => {
    const dataDir = await dirs.create();
    const path = (await openLog({ dataDir })).path;
    await opened.pop()!.close();
    await writeFile(path, syntheticLog(100_000, 200));
    const log = await openLog({ dataDir });
    expect(await log.headVersion()).toBe(100_000);
    expect(await log.append(Buffer.from('next'))).toBe(100_001);
  });
});

function lastFrameSize(value: string, key: string): number {
  return FRAME_HEADER_BYTES + 21 + Buffer.byteLength(key) + Buffer.byteLength(value);
}

async function flipByte(path: string, at: number): Promise<void> {
  const file = await open(path, 'r+');
  const byte = Buffer.alloc(1);
  await file.read(byte, 0, 1, at);
  byte[0] ^= 0xff;
  await file.write(byte, 0, 1, at);
  await file.close();
}

function syntheticLog(records: number, valueBytes: number): Buffer {
  const value = Buffer.alloc(valueBytes, 0x61);
  return Buffer.concat(
    Array.from({ length: records }, (_, i) => encodeFrame({ version: i + 1, key: `k${i}`, value, timestamp: 1 })),
  );
}
