import type { OutgoingHttpHeaders } from 'node:http';
import type {
  PluginDefinition,
  PluginEntityFacts,
  PluginEnvironment,
  PluginHandler,
} from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import { FailureBurst } from './failure-burst';
import { identifierFor } from './identifier';
import { PERIODS, type Period } from './periods';
import { ClusterPolicy } from './policies/cluster-policy';
import { LocalPolicy } from './policies/local-policy';
import { keyPrefix, type RateLimitPolicy } from './policies/policy';
import { ioredisConnector, type RedisConnector } from './policies/redis-client';
import { RedisPolicy } from './policies/redis-policy';
import { rateLimitingSchema, type RateLimitingConfig } from './schema';
import { WindowClock, type Windows } from './windows';

/** What tests replace: the clock and the Redis connection. */
export interface RateLimitingOptions {
  readonly now?: () => number;
  readonly redis?: RedisConnector;
}

function createHandler(
  config: RateLimitingConfig,
  env: PluginEnvironment,
  entity: PluginEntityFacts,
  options: RateLimitingOptions,
): PluginHandler {
  const now = options.now ?? Date.now;
  const periods: Period[] = PERIODS.filter((period) => typeof config[period] === 'number');
  const limits = periods.map((period) => config[period] as number);
  const limitTexts = limits.map(String);
  const limitHeaders = periods.map((period) => `x-ratelimit-limit-${period}`);
  const remainingHeaders = periods.map((period) => `x-ratelimit-remaining-${period}`);
  const { hide_client_headers: hideHeaders, fault_tolerant: faultTolerant } = config;
  const errorCode = config.error_code;
  const errorMessage = config.error_message;
  const identify = identifierFor(config);
  const clock = new WindowClock(periods);
  const burst = new FailureBurst(env.logger, { plugin: 'rate-limiting', id: entity.id }, 'rate-limiting counters');
  const { policy, release } = policyFor(config, env, entity, periods, now, options, burst);
  /** Headers for the response to a request let through (Kong sets them in header_filter). */
  const pendingHeaders = new WeakMap<PluginRequest, OutgoingHttpHeaders>();

  function decide(kong: PluginRequest, identifier: string, windows: Windows, at: number, usage: readonly number[]) {
    let stop = -1;
    for (let i = 0; i < limits.length; i++) if (limits[i] - usage[i] <= 0) stop = i;

    let headers: OutgoingHttpHeaders | null = null;
    let reset = 0;
    if (!hideHeaders) {
      headers = {};
      // RateLimit-* describe the tightest period: the fewest requests left, the longer window on a tie.
      let tightest = 0;
      let tightestRemaining = Infinity;
      for (let i = 0; i < limits.length; i++) {
        let remaining = limits[i] - usage[i];
        if (stop < 0 || stop === i) remaining -= 1; // this request, when it is let through
        remaining = Math.max(0, remaining);
        headers[limitHeaders[i]] = limitTexts[i];
        headers[remainingHeaders[i]] = String(remaining);
        if (remaining <= tightestRemaining) {
          tightest = i;
          tightestRemaining = remaining;
        }
      }
      const start = windows.starts[tightest];
      reset = Math.max(1, (windows.ends[tightest] - start) / 1000 - Math.floor((at - start) / 1000));
      headers['ratelimit-limit'] = limitTexts[tightest];
      headers['ratelimit-remaining'] = String(tightestRemaining);
      headers['ratelimit-reset'] = String(reset);
    }

    if (stop >= 0) {
      if (headers !== null) headers['retry-after'] = String(reset);
      kong.error(errorCode, errorMessage, headers ?? undefined);
      return;
    }
    if (headers !== null) pendingHeaders.set(kong, headers);
    try {
      const counted = policy.increment(identifier, windows);
      if (counted !== undefined)
        counted.then(
          () => burst.succeeded(),
          (error) => burst.failed(error),
        );
    } catch (error) {
      burst.failed(error);
    }
  }

  /** The store failed before a decision: let the request through unlimited, or answer 500 as Kong does. */
  function unavailable(error: unknown): void {
    if (!faultTolerant) throw error;
    burst.failed(error);
  }

  return {
    access(kong: PluginRequest): void | Promise<void> {
      const at = now();
      const windows = clock.at(at);
      const identifier = identify(kong);
      let usage: readonly number[] | Promise<readonly number[]>;
      try {
        usage = policy.usage(identifier, windows);
      } catch (error) {
        unavailable(error);
        return;
      }
      if (!(usage instanceof Promise)) {
        decide(kong, identifier, windows, at, usage);
        return;
      }
      return usage.then((counts) => {
        burst.succeeded();
        decide(kong, identifier, windows, at, counts);
      }, unavailable);
    },

    response(kong, view): void {
      const headers = pendingHeaders.get(kong);
      if (headers === undefined) return;
      for (const name of Object.keys(headers)) view.headers[name] = headers[name] as string;
    },

    async close(): Promise<void> {
      await policy.close?.();
      await release();
    },
  };
}

function policyFor(
  config: RateLimitingConfig,
  env: PluginEnvironment,
  entity: PluginEntityFacts,
  periods: readonly Period[],
  now: () => number,
  options: RateLimitingOptions,
  burst: FailureBurst,
): { policy: RateLimitPolicy; release: () => Promise<void> } {
  const prefix = keyPrefix(entity.routeId, entity.serviceId);
  const none = (): Promise<void> => Promise.resolve();
  switch (config.policy) {
    case 'redis': {
      const handle = (options.redis ?? ioredisConnector)(config.redis, env.logger);
      const policy = new RedisPolicy({
        client: handle.client,
        periods,
        prefix,
        syncRate: config.sync_rate,
        now,
        onSyncError: (error) => burst.failed(error),
      });
      return { policy, release: () => handle.release() };
    }
    case 'cluster':
      if (env.clusterCounters !== null) {
        return { policy: new ClusterPolicy(env.clusterCounters, periods, prefix), release: none };
      }
      // Kong refuses `cluster` without a database; a replica without Cassandra counts on its own instead.
      env.logger.warn(
        { plugin: 'rate-limiting', id: entity.id },
        "rate-limiting: policy 'cluster' needs Cassandra; this replica counts locally",
      );
      return { policy: new LocalPolicy(periods.length, now), release: none };
    case 'local':
      return { policy: new LocalPolicy(periods.length, now), release: none };
  }
}

/** rate-limiting with a given clock and Redis connector (tests); `rateLimiting` is the bundled one. */
export function rateLimitingWith(options: RateLimitingOptions = {}): PluginDefinition<RateLimitingConfig> {
  return {
    name: 'rate-limiting',
    priority: 910,
    version: '3.9.0',
    schema: rateLimitingSchema,
    create: (config, env, entity) => createHandler(config, env, entity, options),
  };
}

/** Limits how many requests a consumer, credential, IP, service, header value or path makes per period. */
export const rateLimiting = rateLimitingWith();
