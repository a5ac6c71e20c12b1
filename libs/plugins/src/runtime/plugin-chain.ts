import type { Logger } from '@gantry/logging';
import type { PluginHandler, ResponseView } from './plugin-definition';
import type { PluginRequest } from './plugin-request';

/** One configured plugin instance, ready to run. */
export interface PluginInstance {
  readonly id: string;
  readonly name: string;
  readonly priority: number;
  readonly handler: PluginHandler;
  /** Null when the plugin runs on every protocol. */
  readonly protocols: ReadonlySet<string> | null;
}

/**
 * One plugin name in a route's chain: the instance that applies without a consumer (the most specific of
 * route+service, route, service, global) and the consumer-scoped ones, which win once a consumer is known.
 */
export interface ChainEntry {
  readonly name: string;
  readonly priority: number;
  readonly fallback: PluginInstance | null;
  readonly byConsumer: ReadonlyMap<string, PluginInstance> | null;
}

/** Whether any entry can run the phase at all, decided at compile time. */
interface PhaseFlags {
  access: boolean;
  response: boolean;
  body: boolean;
  log: boolean;
}

/**
 * The plugins of one route (or the global rewrite chain), in priority order, compiled when config changes.
 * Phases resolve each entry's instance from the consumer known at that moment, as Kong's plugin iterator does.
 */
export class PluginChain {
  readonly has: Readonly<PhaseFlags>;

  constructor(
    readonly entries: readonly ChainEntry[],
    private readonly logger: Logger,
  ) {
    const has: PhaseFlags = { access: false, response: false, body: false, log: false };
    for (const entry of entries) {
      for (const instance of instancesOf(entry)) {
        const h = instance.handler;
        if (h.access !== undefined) has.access = true;
        if (h.response !== undefined) has.response = true;
        if (h.body !== undefined) has.body = true;
        if (h.log !== undefined) has.log = true;
      }
    }
    this.has = has;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Runs `rewrite` handlers; returns a promise only when one of them is asynchronous. */
  rewrite(kong: PluginRequest): void | Promise<void> {
    return this.runFrom(kong, 0, 'rewrite');
  }

  /** Runs `access` handlers until one exits; returns a promise only when one of them is asynchronous. */
  access(kong: PluginRequest): void | Promise<void> {
    if (!this.has.access) return;
    return this.runFrom(kong, 0, 'access');
  }

  /** header_filter: returns true when some plugin wants the whole body (`body` must then be called). */
  response(kong: PluginRequest, view: ResponseView): boolean {
    let wantsBody = false;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const instance = resolve(entries[i], kong);
      if (instance === null) continue;
      const h = instance.handler;
      try {
        h.response?.(kong, view);
        if (h.body !== undefined && (h.wantsBody === undefined || h.wantsBody(kong, view))) wantsBody = true;
      } catch (error) {
        this.logger.error(
          { err: error, plugin: instance.name, requestId: kong.requestId },
          'plugin response phase failed',
        );
      }
    }
    return wantsBody;
  }

  /** body_filter over the whole body, in priority order. */
  body(kong: PluginRequest, body: Buffer, view: ResponseView): Buffer {
    let current = body;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const instance = resolve(entries[i], kong);
      const h = instance?.handler;
      if (h?.body === undefined) continue;
      try {
        if (h.wantsBody === undefined || h.wantsBody(kong, view)) current = h.body(kong, current, view);
      } catch (error) {
        this.logger.error(
          { err: error, plugin: instance!.name, requestId: kong.requestId },
          'plugin body phase failed',
        );
      }
    }
    return current;
  }

  /** The log phase; errors are logged and never reach the client. */
  log(kong: PluginRequest): void {
    if (!this.has.log) return;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const instance = resolve(entries[i], kong);
      if (instance?.handler.log === undefined) continue;
      try {
        instance.handler.log(kong);
      } catch (error) {
        this.logger.error({ err: error, plugin: instance.name, requestId: kong.requestId }, 'plugin log phase failed');
      }
    }
  }

  private runFrom(kong: PluginRequest, start: number, phase: 'rewrite' | 'access'): void | Promise<void> {
    const entries = this.entries;
    for (let i = start; i < entries.length; i++) {
      if (kong.exited !== null) return;
      const handler = resolve(entries[i], kong)?.handler;
      if (handler === undefined) continue;
      const result = phase === 'access' ? handler.access?.(kong) : handler.rewrite?.(kong);
      if (result !== undefined) return result.then(() => this.runFrom(kong, i + 1, phase));
    }
  }
}

function resolve(entry: ChainEntry, kong: PluginRequest): PluginInstance | null {
  let instance = entry.fallback;
  const consumer = kong.consumer;
  if (consumer !== null && entry.byConsumer !== null) instance = entry.byConsumer.get(consumer.id) ?? instance;
  if (instance === null) return null;
  if (instance.protocols !== null && !instance.protocols.has(kong.scheme)) return null;
  return instance;
}

function* instancesOf(entry: ChainEntry): Iterable<PluginInstance> {
  if (entry.fallback !== null) yield entry.fallback;
  if (entry.byConsumer !== null) yield* entry.byConsumer.values();
}
