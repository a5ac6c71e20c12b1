import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmbeddedReplayTarget, ReplaySource, replay } from '@gantry/audit';
import { EmbeddedConfigLog, EmbeddedLogImporter } from '@gantry/event-log';
import { REPO_ROOT, spawnChild } from '../proxy/child';
import { silent, type SourceLog } from './source-log';

// One replay sample in a process of its own, as `npx gantry replay` runs: the bench process holds the generated
// histories and earlier cases' garbage, which made the same replay 15-20% slower inside it. Run as
// `replay-child.ts <replay|copy> <source data dir> <events> <target data dir>`, it prints one JSON line.

/** What one sample measured. */
export interface ReplaySample {
  readonly seconds: number;
  /** Seconds until the last record was written, before the target's finish. */
  readonly loopSeconds: number;
  readonly version: number;
  /** `stateHash` of the replayed state; null for the copy. */
  readonly hash: string | null;
}

/** A sample runs this long at most (a million events take well under a minute). */
const SAMPLE_TIMEOUT_MS = 10 * 60_000;

/** Runs one sample (a replay, or the copy the replay is compared with) in a process of its own. */
export async function sampleInChild(
  mode: 'replay' | 'copy',
  source: SourceLog,
  dataDir: string,
): Promise<ReplaySample> {
  const child = spawnChild({
    name: `audit ${mode}`,
    command: process.execPath,
    args: [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      __filename,
      mode,
      source.dataDir,
      String(source.events),
      dataDir,
    ],
    env: { TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') },
  });
  try {
    return JSON.parse(await child.waitForLine((line) => line.startsWith('{'), SAMPLE_TIMEOUT_MS)) as ReplaySample;
  } finally {
    await child.stop(30_000);
  }
}

async function timeReplay(log: EmbeddedConfigLog, events: number, dataDir: string): Promise<ReplaySample> {
  const started = performance.now();
  const result = await replay({
    source: new ReplaySource({ log }),
    until: { version: events },
    target: new EmbeddedReplayTarget({ dataDir, logger: silent }),
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, loopSeconds: seconds - result.finishMs / 1000, version: result.version, hash: result.hash };
}

/** The same records read the same way and written the same way, without decoding, folding or a snapshot. */
async function timeCopy(log: EmbeddedConfigLog, events: number, dataDir: string): Promise<ReplaySample> {
  const started = performance.now();
  const importer = await EmbeddedLogImporter.create({ dataDir, logger: silent });
  let finishing: number;
  let version: number;
  try {
    for await (const batch of new ReplaySource({ log }).batches(1, events)) await importer.writeAll(batch);
    finishing = performance.now();
    version = await importer.finish();
  } finally {
    await importer.close();
  }
  const ended = performance.now();
  return { seconds: (ended - started) / 1000, loopSeconds: (finishing - started) / 1000, version, hash: null };
}

async function main(): Promise<void> {
  const [mode, sourceDir, events, targetDir] = process.argv.slice(2);
  if ((mode !== 'replay' && mode !== 'copy') || !sourceDir || !targetDir || !(Number(events) > 0)) {
    throw new Error('usage: replay-child.ts <replay|copy> <source data dir> <events> <target data dir>');
  }
  // The source log is opened before the clock starts, for the replay and the copy alike.
  const log = new EmbeddedConfigLog({ dataDir: sourceDir, logger: silent });
  await log.start();
  try {
    const time = mode === 'replay' ? timeReplay : timeCopy;
    process.stdout.write(`${JSON.stringify(await time(log, Number(events), targetDir))}\n`);
  } finally {
    await log.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
