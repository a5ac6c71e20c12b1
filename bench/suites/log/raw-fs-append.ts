import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { type AppendBenchResult, measureAppends } from '../../../libs/event-log/src/measure-appends.bench';

export interface RawFsAppendBench {
  readonly dir: string;
  readonly concurrency: number;
  readonly count: number;
  readonly valueBytes: number;
}

/**
 * Reference for the embedded log: each append is `write` + `fdatasync` on one file opened for
 * appending, straight through node:fs, timed by the same measureAppends. No framing, CRC, index, lock
 * or group commit: concurrent callers each pay their own fdatasync (the kernel may still merge them).
 */
export async function benchRawFsAppend(options: RawFsAppendBench): Promise<AppendBenchResult> {
  const file = await open(join(options.dir, 'raw.log'), 'a');
  let appended = 0;
  try {
    return await measureAppends(async (value) => {
      await file.write(value);
      await file.datasync();
      return ++appended;
    }, options);
  } finally {
    await file.close();
  }
}
