import type { IncomingHttpHeaders } from 'node:http';
import type { PluginSchema } from '@gantry/config';
import type { Logger } from '@gantry/logging';
import type { Registry } from 'prom-client';
import type { ConsumerDirectory } from './consumer-directory';
import type { PluginRequest } from './plugin-request';

/** The response as the header phase sees it: from the upstream, or from a plugin's (or the gateway's) exit. */
export interface ResponseView {
  status: number;
  /** Lower-case names. Mutating them changes what the client receives. */
  readonly headers: IncomingHttpHeaders;
  readonly source: 'upstream' | 'exit';
}

/**
 * What a plugin does for one configured instance. Every phase is optional. `rewrite` and `access` may return a
 * promise (the request waits); the others are synchronous. A phase that throws answers 500 with the request id.
 *
 * - `rewrite`: before routing, only for global plugins (as in Kong).
 * - `access`: after routing, in priority order; `kong.exit()` ends the phase and answers.
 * - `response`: Kong's header_filter, before the status line goes out.
 * - `wantsBody` / `body`: Kong's body_filter, on the whole buffered body (only when some plugin wants it).
 * - `log`: after the response has been sent; never delays it.
 */
export interface PluginHandler {
  rewrite?(kong: PluginRequest): void | Promise<void>;
  access?(kong: PluginRequest): void | Promise<void>;
  response?(kong: PluginRequest, response: ResponseView): void;
  wantsBody?(kong: PluginRequest, response: ResponseView): boolean;
  body?(kong: PluginRequest, body: Buffer, response: ResponseView): Buffer;
  log?(kong: PluginRequest): void;
  /** The instance was removed or re-configured: release timers, sockets, files. */
  close?(): void | Promise<void>;
}

/** Where a cluster-wide counter lives (rate-limiting's `cluster` policy); Cassandra in a cluster. */
export interface ClusterCounterStore {
  /**
   * Adds `delta` to this node's share of `key` in the window starting at `windowStart` (ms); resolves once it is
   * stored. Write-only: the decision already read the count. `ttlSeconds` bounds how long the window is kept.
   */
  increment(key: string, windowStart: number, delta: number, ttlSeconds: number): Promise<void>;
  /** The sum of every node's share of `key` in that window. */
  current(key: string, windowStart: number): Promise<number>;
}

/** Read-only facts about the replica, for plugins that report on it (prometheus). */
export interface GatewayFacts {
  configHash(): string;
  /** One entry per target address, with its health (HEALTHY, UNHEALTHY, DNS_ERROR, HEALTHCHECKS_OFF). */
  targetHealth(): Iterable<{ upstream: string; target: string; address: string; health: string }>;
}

/** What a plugin instance gets from the replica it runs in. */
export interface PluginEnvironment {
  readonly logger: Logger;
  readonly consumers: ConsumerDirectory;
  /** This replica's node id (logs, counters). */
  readonly nodeId: string;
  /** The status port's metrics registry (prometheus plugin). */
  readonly metrics: Registry;
  /** Set when the replica runs against Cassandra. */
  readonly clusterCounters: ClusterCounterStore | null;
  readonly gateway: GatewayFacts;
  /** Directory for plugin files the operator did not name (never used for file-log's `path`). */
  readonly dataDir: string;
}

/**
 * A plugin: its name and priority (higher runs first in each phase), its schema (validated by the Admin API,
 * so `create` gets a config with every default filled in), and how to make a handler for one configured
 * instance. `create` runs when config changes, never per request: compile everything there.
 */
export interface PluginDefinition<Config = Record<string, unknown>> {
  readonly name: string;
  readonly priority: number;
  readonly version: string;
  readonly schema: PluginSchema;
  create(config: Config, env: PluginEnvironment, entity: PluginEntityFacts): PluginHandler;
}

/** The plugin entity a handler is made for. */
export interface PluginEntityFacts {
  readonly id: string;
  readonly name: string;
  readonly instanceName: string | null;
  readonly routeId: string | null;
  readonly serviceId: string | null;
  readonly consumerId: string | null;
}
