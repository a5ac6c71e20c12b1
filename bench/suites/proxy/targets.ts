import type { SuiteContext } from '../../harness/types';
import { spawnNodeScript, waitForPort, type Child } from './child';
import { startGantryStandalone } from './gantry-standalone';
import { nginxBinary } from './nginx/fetch';
import { startNginx, type RunningProxy } from './nginx/server';

export interface Target {
  /** Starts the target on first use (so a target that cannot start fails only the cases that need it). */
  readonly url: () => Promise<string>;
}

export interface Targets {
  readonly direct: Target;
  readonly nginx: Target;
  readonly fastify: Target;
  readonly gantry: Target;
  /** The upstream's URL, for cases that configure their own proxies. */
  readonly upstreamUrl: () => Promise<string>;
  close(): Promise<void>;
}

function once<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => (started ??= start());
}

async function startNodeHelper(name: string, script: string, args: string[]): Promise<{ child: Child; url: string }> {
  const child = spawnNodeScript(name, script, args);
  const port = await waitForPort(child).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

/** The four servers of the throughput cases, all in front of (or being) the same upstream process. */
export function proxyTargets(ctx: SuiteContext): Targets {
  const stops: (() => Promise<void>)[] = [];
  const upstream = once(async () => {
    const { child, url } = await startNodeHelper('upstream', 'bench/suites/proxy/upstream-server.ts', []);
    stops.push(() => child.stop());
    return url;
  });
  const proxy = (start: (upstreamUrl: string) => Promise<RunningProxy>): Target => ({
    url: once(async () => {
      const running = await start(await upstream());
      stops.push(() => running.stop());
      return running.url;
    }),
  });
  return {
    direct: { url: upstream },
    upstreamUrl: upstream,
    nginx: proxy(async (upstreamUrl) => {
      const binary = await nginxBinary((msg) => ctx.log(`[nginx] ${msg}`));
      ctx.log(`[nginx] running ${binary.version} from ${binary.path}`);
      return startNginx({
        binary,
        prefixDir: await ctx.scratchDir('proxy-nginx'),
        upstreamPort: Number(new URL(upstreamUrl).port),
      });
    }),
    fastify: proxy(async (upstreamUrl) => {
      const { child, url } = await startNodeHelper('@fastify/http-proxy', 'bench/suites/proxy/fastify-proxy.ts', [
        upstreamUrl.replace(/\/$/, ''),
      ]);
      return { url, stop: () => child.stop() };
    }),
    gantry: proxy(async (upstreamUrl) =>
      startGantryStandalone({ upstreamUrl, dataDir: await ctx.scratchDir('proxy-gantry'), log: ctx.log }),
    ),
    close: async () => {
      await Promise.allSettled(stops.splice(0).map((stop) => stop()));
    },
  };
}
