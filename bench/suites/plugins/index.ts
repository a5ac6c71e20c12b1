import { provision, type ProvisionedInfra } from '../../harness/infra';
import type { BenchCase, Goal, MetricSpec, SampleContext, Suite } from '../../harness/types';
import { gantryRuntime } from '../proxy/gantry-build';
import { startGantryStandalone } from '../proxy/gantry-standalone';
import { runLoad } from '../proxy/load';
import { startPropagationCluster, type PropagationCluster } from '../proxy/propagation/cluster';
import { proxyTargets } from '../proxy/targets';
import { UPSTREAM_BODY } from '../proxy/upstream-body';
import { BENCH_HEADERS, CHAIN_PATHS, configureChains, configureRateLimitPolicies } from './chains';

const CONNECTIONS = 50;
const DURATION_SEC = { full: 10, quick: 3, warmUp: 2 } as const;

function metrics(goal?: Goal): MetricSpec[] {
  return [
    { name: 'reqPerSec', unit: 'req/s', better: 'higher', ...(goal ? { goal } : {}) },
    { name: 'p50Ms', unit: 'ms', better: 'lower' },
    { name: 'p99Ms', unit: 'ms', better: 'lower' },
  ];
}

export const pluginsSuite: Suite = {
  name: 'plugins',
  description:
    'The cost of plugin chains on the proxy path: the same built Gantry process, upstream and load (autocannon, ' +
    `${CONNECTIONS} keep-alive connections, every request carrying an API key and an Origin) through a route ` +
    'without plugins and through routes with key-auth + rate-limiting (local) and with the six-plugin chain ' +
    'key-auth, acl, rate-limiting, cors, request-transformer, prometheus; then rate-limiting with the cluster ' +
    'policy (counters in Cassandra) against the local one on a proxy replica running on Kafka and Cassandra. ' +
    'Limits are set so high that no request is refused. Method in docs/benchmarks.md (plugins).',
  needs: [],
  prepare: (ctx) => {
    const targets = proxyTargets(ctx);
    const durationSec = ctx.quick ? DURATION_SEC.quick : DURATION_SEC.full;
    let standalone: Promise<string> | undefined;
    const standaloneUrl = (): Promise<string> =>
      (standalone ??= (async () => {
        const upstreamUrl = await targets.upstreamUrl();
        const running = await startGantryStandalone({
          upstreamUrl,
          dataDir: await ctx.scratchDir('plugins-gantry'),
          log: ctx.log,
          setup: (adminUrl) => configureChains(adminUrl, 'bench-upstream'),
        });
        stops.push(() => running.stop());
        return running.url.replace(/\/$/, '');
      })());
    let infra: ProvisionedInfra | undefined;
    let cluster: Promise<PropagationCluster> | undefined;
    const clusterUrl = async (): Promise<string> => {
      cluster ??= (async () => {
        infra = await provision(['kafka', 'cassandra'], (msg) => ctx.log(`[infra] ${msg}`));
        const started = await startPropagationCluster({
          endpoints: infra.endpoints,
          upstreamUrl: await targets.upstreamUrl(),
          log: ctx.log,
          replicas: 1,
        });
        await configureRateLimitPolicies(started.adminUrl, started.serviceName);
        // The replica applies the routes through Kafka: wait until the last one answers.
        const url = started.replicas[0].url;
        for (let i = 0; i < 200; i++) {
          const answer = await fetch(`${url}${CHAIN_PATHS.rateLimitCluster}`).catch(() => undefined);
          if (answer?.status === 200) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return started;
      })();
      return (await cluster).replicas[0].url;
    };
    const stops: (() => Promise<void>)[] = [];

    const load =
      (base: () => Promise<string>, path: string) =>
      async ({ warmUp }: SampleContext) =>
        runLoad({
          url: `${await base()}${path}`,
          connections: CONNECTIONS,
          durationSec: warmUp ? DURATION_SEC.warmUp : durationSec,
          headers: BENCH_HEADERS,
        });
    const params = {
      connections: CONNECTIONS,
      pipelining: 1,
      durationSec,
      bodyBytes: UPSTREAM_BODY.length,
      gantry: gantryRuntime(),
    };
    const noPlugins = {
      name: 'no plugins',
      description: 'a route without plugins on the same Gantry process (same service, same headers)',
      measure: load(standaloneUrl, CHAIN_PATHS.none),
    };
    const cases: BenchCase[] = [
      {
        name: 'key-auth + rate-limiting (local) vs no plugins',
        params,
        // Issue 5's goal; Kong keeps 0.76 of its plugin-less throughput with these two.
        metrics: metrics({ op: '>=', value: 0.85, of: 'ratio' }),
        measure: load(standaloneUrl, CHAIN_PATHS.authRateLimit),
        reference: noPlugins,
      },
      {
        name: '6 plugins (key-auth, acl, rate-limiting, cors, request-transformer, prometheus) vs no plugins',
        params,
        metrics: metrics({ op: '>=', value: 0.7, of: 'ratio' }),
        measure: load(standaloneUrl, CHAIN_PATHS.six),
        reference: noPlugins,
      },
      {
        name: 'rate-limiting cluster (Cassandra) vs local',
        params: { ...params, log: 'kafka', store: 'cassandra', replicas: 1 },
        metrics: metrics(),
        measure: load(clusterUrl, CHAIN_PATHS.rateLimitCluster),
        reference: {
          name: 'rate-limiting local',
          description: 'the same limits with policy local, on the same replica',
          measure: load(clusterUrl, CHAIN_PATHS.rateLimitLocal),
        },
      },
    ];
    return Promise.resolve({
      cases,
      close: async () => {
        await Promise.allSettled(stops.splice(0).map((stop) => stop()));
        const running = cluster;
        cluster = undefined;
        if (running) await (await running.catch(() => undefined))?.stop();
        await infra?.release();
        await targets.close();
      },
    });
  },
};
