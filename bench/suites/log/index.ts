import { rm } from 'node:fs/promises';
import { benchEmbeddedAppend } from '../../../libs/event-log/src/embedded/embedded-log.bench';
import { benchKafkaAppend } from '../../../libs/event-log/src/kafka/kafka-log.bench';
import type { AppendBenchResult } from '../../../libs/event-log/src/measure-appends.bench';
import { fileSystemOf } from '../../harness/scratch';
import type { BenchCase, MetricSpec, Sample, SampleContext, Suite, SuiteContext } from '../../harness/types';
import { benchRawFsAppend } from './raw-fs-append';
import { benchRawKafkaProducer } from './raw-kafka-producer';

const METRICS: readonly MetricSpec[] = [
  { name: 'appendsPerSec', unit: 'appends/s', better: 'higher' },
  { name: 'p50Ms', unit: 'ms', better: 'lower' },
  { name: 'p99Ms', unit: 'ms', better: 'lower' },
];

const VALUE_BYTES = 256;
const CONCURRENCIES = [1, 16] as const;
/** Appends per measured run; a warm-up or a --quick run does a fifth of it. */
const COUNTS = { embedded: { 1: 5_000, 16: 20_000 }, kafka: { 1: 2_000, 16: 10_000 } } as const;

const sample = (result: AppendBenchResult): Sample => ({ ...result });

function counter(quick: boolean, full: number): (ctx: SampleContext) => number {
  const small = Math.max(100, Math.round(full / 5));
  return ({ warmUp }) => (quick || warmUp ? small : full);
}

async function embeddedCases(ctx: SuiteContext): Promise<BenchCase[]> {
  const probe = await ctx.scratchDir('log-disk-probe');
  const disk = await fileSystemOf(probe);
  if (disk === 'tmpfs')
    ctx.log('WARNING: bench/results is on tmpfs: fsync costs nothing there, the embedded numbers mean little');
  // Each run gets an empty directory, removed at once so that runs do not fill the disk.
  const inFreshDir = async <T>(prefix: string, run: (dir: string) => Promise<T>): Promise<T> => {
    const dir = await ctx.scratchDir(prefix);
    try {
      return await run(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return CONCURRENCIES.map((concurrency): BenchCase => {
    const count = counter(ctx.quick, COUNTS.embedded[concurrency]);
    return {
      name: `embedded c=${concurrency}`,
      params: { concurrency, appends: count({ warmUp: false }), valueBytes: VALUE_BYTES, disk, groupCommit: true },
      metrics: METRICS,
      measure: async (s) =>
        sample(
          await inFreshDir('log-embedded', (dir) =>
            benchEmbeddedAppend({ dir, concurrency, count: count(s), valueBytes: VALUE_BYTES }),
          ),
        ),
      reference: {
        name: 'node:fs write+fdatasync',
        description:
          'each append is FileHandle.write then FileHandle.datasync on one file opened for appending, in a fresh ' +
          'directory on the same disk, timed by the same measureAppends; no framing, CRC, index, lock or group ' +
          'commit, so at c=16 every caller pays its own fdatasync (the kernel may still merge some).',
        measure: async (s) =>
          sample(
            await inFreshDir('log-raw-fs', (dir) =>
              benchRawFsAppend({ dir, concurrency, count: count(s), valueBytes: VALUE_BYTES }),
            ),
          ),
      },
    };
  });
}

function kafkaCases(ctx: SuiteContext): BenchCase[] {
  const brokers = ctx.endpoints.kafkaBrokers;
  return CONCURRENCIES.map((concurrency): BenchCase => {
    const count = counter(ctx.quick, COUNTS.kafka[concurrency]);
    return {
      name: `kafka c=${concurrency}`,
      params: { concurrency, appends: count({ warmUp: false }), valueBytes: VALUE_BYTES, brokers: brokers.join(',') },
      metrics: METRICS,
      measure: async (s) =>
        sample(await benchKafkaAppend({ brokers, concurrency, count: count(s), valueBytes: VALUE_BYTES })),
      reference: {
        name: 'kafkajs send acks=-1',
        description:
          'a default kafkajs producer (not idempotent, requests pipelined) sending each append as its own ' +
          'send({ acks: -1 }) to a fresh single-partition topic with the same replication settings on the same ' +
          'broker, timed by the same measureAppends; no batching of concurrent appends, deadlines or producer fencing.',
        measure: async (s) =>
          sample(await benchRawKafkaProducer({ brokers, concurrency, count: count(s), valueBytes: VALUE_BYTES })),
      },
    };
  });
}

export const logSuite: Suite = {
  name: 'log',
  description:
    `Durable appends to the config log (${VALUE_BYTES}-byte values), from 1 and from 16 concurrent callers that each ` +
    'wait for their append before the next: embedded (fdatasync before the ack, group commit) and Kafka (acks=all, ' +
    'one partition). Latency is per append; p50/p99 are medians of the per-run percentiles.',
  needs: ['kafka'],
  prepare: async (ctx) => ({ cases: [...(await embeddedCases(ctx)), ...kafkaCases(ctx)] }),
};
