import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeEvent } from '@gantry/config';
import { EmbeddedConfigLog, EmbeddedLogImporter } from '@gantry/event-log';
import pino from 'pino';
import { makeBenchEvents } from '../../../config/src/fold/fold.bench';
import { replay } from './replay';
import { ReplaySource } from './replay-source';
import { EmbeddedReplayTarget } from './targets/embedded-target';

export interface ReplayBench {
  readonly events: number;
  /** An empty directory on the disk to measure. */
  readonly dir: string;
}

export interface ReplayBenchResult {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/**
 * Replay throughput into an embedded store: `events` simple config events in a source embedded log, replayed
 * (read, folded, written to a new log, snapshotted at the end) into a fresh data directory.
 */
export async function benchReplayIntoEmbedded(options: ReplayBench): Promise<ReplayBenchResult> {
  const logger = pino({ level: 'silent' });
  const sourceDir = join(options.dir, 'source');
  const importer = await EmbeddedLogImporter.create({ dataDir: sourceDir, logger });
  let version = 0;
  for (const event of makeBenchEvents(options.events)) {
    await importer.write({ version: ++version, key: null, value: Buffer.from(encodeEvent(event)), timestamp: 0 });
  }
  await importer.finish();
  const log = new EmbeddedConfigLog({ dataDir: sourceDir, logger });
  await log.start();
  try {
    const started = performance.now();
    const result = await replay({
      source: new ReplaySource({ log }),
      until: { version },
      target: new EmbeddedReplayTarget({ dataDir: join(options.dir, 'replayed'), logger }),
    });
    const seconds = (performance.now() - started) / 1000;
    return { events: result.version, seconds, eventsPerSecond: Math.round(result.version / seconds) };
  } finally {
    await log.close();
  }
}

// npx ts-node -T -r tsconfig-paths/register libs/audit/src/replay/replay.bench.ts [events] [parent dir]
if (require.main === module) {
  void (async () => {
    const events = Number(process.argv[2] ?? 100_000);
    const dir = await mkdtemp(join(process.argv[3] ?? process.cwd(), '.bench-replay-'));
    try {
      console.log(JSON.stringify(await benchReplayIntoEmbedded({ events, dir })));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
}
