import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { type AppendBenchResult, measureAppends } from '../measure-appends.bench';
import { EmbeddedConfigLog } from './embedded-config-log';

export interface EmbeddedAppendBench {
  readonly concurrency: number;
  readonly count: number;
  /** An empty directory on the disk to measure; on tmpfs fsync is free and the numbers mean nothing. */
  readonly dir: string;
  readonly valueBytes?: number;
  readonly groupCommit?: boolean;
}

/** Durable appends per second and per-append latency of the embedded log in `dir`. */
export async function benchEmbeddedAppend(options: EmbeddedAppendBench): Promise<AppendBenchResult> {
  const log = new EmbeddedConfigLog({
    dataDir: options.dir,
    logger: pino({ level: 'silent' }),
    groupCommit: options.groupCommit ?? true,
  });
  await log.start();
  try {
    return await measureAppends((value) => log.append(value), options);
  } finally {
    await log.close();
  }
}

// npx ts-node -T -r tsconfig-paths/register libs/event-log/src/embedded/embedded-log.bench.ts [parent dir]
if (require.main === module) {
  void (async () => {
    const parent = process.argv[2] ?? process.cwd();
    for (const groupCommit of [true, false]) {
      for (const concurrency of [1, 16]) {
        const dir = await mkdtemp(join(parent, '.bench-event-log-'));
        try {
          const count = concurrency === 1 ? 2_000 : 8_000;
          const result = await benchEmbeddedAppend({ concurrency, count, dir, groupCommit });
          console.log(JSON.stringify({ groupCommit, concurrency, ...result }));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  })();
}
