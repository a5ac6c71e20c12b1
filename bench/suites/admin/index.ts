import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { EmbeddedConfigLog, KafkaConfigLog, type ConfigLog } from '@gantry/event-log';
import { KafkaConnection } from '@gantry/kafka';
import { CLUSTER_DEFAULTS, STANDALONE_DEFAULTS, loadSettings } from '@gantry/settings';
import { startAdmin } from '../../../apps/admin/src/admin.bootstrap';
import type { BenchCase, MetricSpec, Sample, SampleContext, Suite, SuiteContext } from '../../harness/types';
import { measureHttpWrites } from './http-writes';
import { startRawAppendServer } from './raw-append-server';

const METRICS: readonly MetricSpec[] = [
  { name: 'appendsPerSec', unit: 'writes/s', better: 'higher' },
  { name: 'p50Ms', unit: 'ms', better: 'lower' },
  { name: 'p99Ms', unit: 'ms', better: 'lower' },
];

const CONCURRENCIES = [1, 16] as const;
const COUNTS = { 1: 1_000, 16: 4_000 } as const;

type Mode = 'embedded' | 'cluster';

interface Target {
  readonly url: string;
  close(): Promise<void>;
}

let run = 0;
const unique = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${run++}`;

async function startAdminTarget(mode: Mode, ctx: SuiteContext): Promise<Target> {
  const env: Record<string, string> =
    mode === 'embedded'
      ? { GANTRY_DATA_DIR: await ctx.scratchDir('admin-embedded') }
      : {
          GANTRY_KAFKA_BROKERS: ctx.endpoints.kafkaBrokers.join(','),
          GANTRY_CASSANDRA_CONTACT_POINTS: ctx.endpoints.cassandraContactPoints.join(','),
          GANTRY_CASSANDRA_LOCAL_DC: ctx.endpoints.cassandraLocalDc,
          GANTRY_KAFKA_TOPIC: unique('gantry_bench_admin'),
          GANTRY_CASSANDRA_KEYSPACE: unique('gantry_bench_admin'),
        };
  const settings = loadSettings(
    { ...env, GANTRY_ADMIN_LISTEN: '127.0.0.1:0' },
    mode === 'embedded' ? STANDALONE_DEFAULTS : CLUSTER_DEFAULTS,
  );
  const app: INestApplication = await startAdmin(settings, { shutdownHooks: false });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Cluster mode boots in the background; measure only once the configuration is loaded.
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/health`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`the ${mode} admin did not become healthy`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, close: () => app.close() };
}

async function startReferenceTarget(mode: Mode, ctx: SuiteContext): Promise<Target> {
  let log: ConfigLog;
  let connection: KafkaConnection | undefined;
  if (mode === 'embedded') {
    log = new EmbeddedConfigLog({ dataDir: await ctx.scratchDir('admin-raw-embedded') });
  } else {
    connection = new KafkaConnection({ brokers: ctx.endpoints.kafkaBrokers, clientId: unique('bench-raw') });
    await connection.connect();
    log = new KafkaConfigLog({ connection, topic: unique('gantry_bench_raw') });
  }
  await log.start();
  const server = await startRawAppendServer(log);
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await log.close();
      await connection?.close();
    },
  };
}

function counter(quick: boolean, full: number): (ctx: SampleContext) => number {
  const small = Math.max(100, Math.round(full / 5));
  return ({ warmUp }) => (quick || warmUp ? small : full);
}

export const adminSuite: Suite = {
  name: 'admin',
  description:
    'Acknowledged Admin API writes (POST /consumers answered 201 after the fold applied it) over HTTP from the ' +
    'same process, embedded (fsync per write, group commit) and cluster (Kafka acks=all, persister to Cassandra).',
  needs: ['kafka', 'cassandra'],
  prepare: async (ctx) => {
    const targets: Target[] = [];
    const cases: BenchCase[] = [];
    for (const mode of ['embedded', 'cluster'] as const) {
      const admin = await startAdminTarget(mode, ctx);
      const reference = await startReferenceTarget(mode, ctx);
      targets.push(admin, reference);
      for (const concurrency of CONCURRENCIES) {
        const count = counter(ctx.quick, COUNTS[concurrency]);
        const measure =
          (url: string) =>
          async (s: SampleContext): Promise<Sample> => ({
            ...(await measureHttpWrites(url, { concurrency, count: count(s), prefix: unique('c') })),
          });
        cases.push({
          name: `${mode} c=${concurrency}`,
          params: { mode, concurrency, writes: count({ warmUp: false }) },
          metrics: METRICS,
          measure: measure(admin.url),
          reference: {
            name: `node:http + ${mode === 'embedded' ? 'embedded' : 'Kafka'} append`,
            description:
              'a bare node:http server that appends each request body to a fresh log of the same kind and answers ' +
              '201 once it is durable; no routing, validation, envelope, fold or entity rendering',
            measure: measure(reference.url),
          },
        });
      }
    }
    return {
      cases,
      close: async () => {
        await Promise.allSettled(targets.map((target) => target.close()));
      },
    };
  },
};
