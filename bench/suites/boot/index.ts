import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { EmbeddedConfigLog } from '@gantry/event-log';
import { LogConfigReplica } from '@gantry/replica';
import { EmbeddedSnapshotStore } from '@gantry/store';
import { benchBoot } from '../../../libs/replica/src/boot.bench';
import type { BenchCase, MetricSpec, Suite } from '../../harness/types';

const silent = pino({ level: 'silent' });

/** The project's target: an admin process boots in under 2 s at 10k entities. */
const SIZES = [
  { entities: 10_000, tail: 1_000, goal: { op: '<=', value: 2_000 } },
  { entities: 100_000, tail: 10_000 },
] as const;

/** Cold boot from the log alone: the same files with the snapshots removed, folded from version 1. */
async function bootFromLogOnly(dataDir: string): Promise<number> {
  await rm(join(dataDir, 'snapshots'), { recursive: true, force: true });
  const started = performance.now();
  const log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  const store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await store.start();
  const replica = new LogConfigReplica({ log, snapshots: store, logger: silent });
  await replica.start();
  const bootMs = performance.now() - started;
  await replica.close();
  await log.close();
  await store.close();
  return bootMs;
}

export const bootSuite: Suite = {
  name: 'boot',
  description:
    'Cold boot of a replica (what an admin or proxy process does at start) on the embedded log and snapshot ' +
    'store: open the log, load the newest snapshot, fold the tail after it, until caught up.',
  needs: [],
  prepare: (ctx) => {
    const cases = SIZES.map((size): BenchCase => {
      const entities = ctx.quick ? size.entities / 10 : size.entities;
      const tail = ctx.quick ? size.tail / 10 : size.tail;
      const metric: MetricSpec = {
        name: 'bootMs',
        unit: 'ms',
        better: 'lower',
        ...('goal' in size && !ctx.quick ? { goal: size.goal } : {}),
      };
      return {
        name: `${entities / 1000}k entities + ${tail} tail`,
        params: { entities, tail, store: 'embedded' },
        metrics: [metric],
        measure: async () => {
          const result = await benchBoot({ entities, tail, dataDir: await ctx.scratchDir('boot') });
          if (!result.hashMatches) throw new Error('the booted replica differs from the one that folded the log');
          return { bootMs: result.bootMs };
        },
        reference: {
          name: 'fold the whole log, no snapshot',
          description:
            'the same log files with the snapshots removed, booted the same way: every event folded from version 1',
          measure: async () => {
            const dataDir = await ctx.scratchDir('boot-log-only');
            await benchBoot({ entities, tail, dataDir });
            return { bootMs: await bootFromLogOnly(dataDir) };
          },
        },
      };
    });
    return Promise.resolve({ cases });
  },
};
