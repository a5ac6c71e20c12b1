import type { AppliedChange, Entity } from '@gantry/config';
import type { Logger } from '@gantry/logging';
import { PluginError } from './errors';
import type { PluginCatalog } from './plugin-catalog';
import { PluginChain, type ChainEntry, type PluginInstance } from './plugin-chain';
import type { PluginEntityFacts, PluginEnvironment, PluginHandler } from './plugin-definition';

interface ScopedInstance extends PluginInstance {
  readonly routeId: string | null;
  readonly serviceId: string | null;
  readonly consumerId: string | null;
}

function refOf(entity: Entity, field: string): string | null {
  const ref = entity[field] as { id?: unknown } | null | undefined;
  return ref !== null && ref !== undefined && typeof ref.id === 'string' ? ref.id : null;
}

function comboKey(route: string | null, service: string | null, consumer: string | null): string {
  return `${route ?? ''}|${service ?? ''}|${consumer ?? ''}`;
}

/** Kong's precedence for consumer-scoped configs: route+service+consumer, route+consumer, service+consumer, consumer. */
function consumerRank(instance: ScopedInstance): number {
  if (instance.routeId !== null && instance.serviceId !== null) return 0;
  if (instance.routeId !== null) return 1;
  if (instance.serviceId !== null) return 2;
  return 3;
}

const NO_CHAIN = Symbol('no-chain');

/**
 * The plugin instances of a replica, made from the fold's plugin entities when they change, and the chains
 * compiled from them: one per route (on its first request after a change) and one global rewrite chain.
 * A plugin's handler is created once per config, never per request.
 */
export class PluginRuntime {
  private readonly instances = new Map<string, ScopedInstance>();
  /** Plugin name → scope combination → instance. */
  private readonly byName = new Map<string, Map<string, ScopedInstance>>();
  /** Route id → its compiled chain, for the service it was compiled with. */
  private chains = new Map<string, { serviceId: string | null; chain: PluginChain | typeof NO_CHAIN }>();
  private rewriteChain: PluginChain | null | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly catalog: PluginCatalog,
    private readonly env: PluginEnvironment,
  ) {
    this.logger = env.logger;
  }

  /** Number of enabled plugin instances. */
  get size(): number {
    return this.instances.size;
  }

  /** Replaces every instance with those of `plugins`. */
  load(plugins: Iterable<Entity>): void {
    for (const id of [...this.instances.keys()]) this.remove(id);
    for (const entity of plugins) this.put(entity);
    this.invalidate();
  }

  /** Applies one event's changes: plugin instances are re-made; chains touched by any change are recompiled. */
  apply(changes: readonly AppliedChange[]): void {
    let touched = false;
    for (const change of changes) {
      if (change.kind === 'plugins') {
        if (change.before !== null) this.remove(change.before.id);
        if (change.after !== null) this.put(change.after);
        touched = true;
      } else if (change.kind === 'routes' && change.before !== null) {
        // A route that moved to another service, or went away: its chain key changes.
        this.chains.delete(change.before.id);
      }
    }
    if (touched) this.invalidate();
  }

  /** The chain of a route, or null when no plugin applies to it. */
  chainFor(routeId: string, serviceId: string | null): PluginChain | null {
    let compiled = this.chains.get(routeId);
    if (compiled === undefined || compiled.serviceId !== serviceId) {
      compiled = { serviceId, chain: this.compile(routeId, serviceId) ?? NO_CHAIN };
      this.chains.set(routeId, compiled);
    }
    return compiled.chain === NO_CHAIN ? null : compiled.chain;
  }

  /** Global plugins with a rewrite phase, run before routing; null when there are none. */
  rewrite(): PluginChain | null {
    if (this.rewriteChain === undefined) {
      const entries = this.entriesFor(null, null).filter(
        (e) => e.fallback !== null && e.fallback.handler.rewrite !== undefined,
      );
      this.rewriteChain = entries.length === 0 ? null : new PluginChain(entries, this.logger);
    }
    return this.rewriteChain;
  }

  /** The chain for requests no route matched: global plugins only (their response and log phases). */
  unrouted(): PluginChain | null {
    return this.chainFor('', null);
  }

  async close(): Promise<void> {
    const closing = [...this.instances.values()].map((i) => this.closeHandler(i));
    this.instances.clear();
    this.byName.clear();
    this.invalidate();
    await Promise.all(closing);
  }

  private invalidate(): void {
    this.chains = new Map();
    this.rewriteChain = undefined;
  }

  private compile(routeId: string, serviceId: string | null): PluginChain | null {
    const entries = this.entriesFor(routeId === '' ? null : routeId, serviceId);
    return entries.length === 0 ? null : new PluginChain(entries, this.logger);
  }

  private entriesFor(routeId: string | null, serviceId: string | null): ChainEntry[] {
    const entries: ChainEntry[] = [];
    for (const [name, combos] of this.byName) {
      const pick = (r: string | null, s: string | null): ScopedInstance | undefined => combos.get(comboKey(r, s, null));
      let fallback: ScopedInstance | undefined;
      if (routeId !== null && serviceId !== null) fallback = pick(routeId, serviceId);
      if (fallback === undefined && routeId !== null) fallback = pick(routeId, null);
      if (fallback === undefined && serviceId !== null) fallback = pick(null, serviceId);
      fallback ??= pick(null, null);

      let byConsumer: Map<string, ScopedInstance> | null = null;
      for (const instance of combos.values()) {
        if (instance.consumerId === null) continue;
        if (instance.routeId !== null && instance.routeId !== routeId) continue;
        if (instance.serviceId !== null && instance.serviceId !== serviceId) continue;
        byConsumer ??= new Map();
        const current = byConsumer.get(instance.consumerId);
        if (current === undefined || consumerRank(instance) < consumerRank(current)) {
          byConsumer.set(instance.consumerId, instance);
        }
      }
      if (fallback === undefined && byConsumer === null) continue;
      const priority = (fallback ?? byConsumer!.values().next().value!).priority;
      entries.push({ name, priority, fallback: fallback ?? null, byConsumer });
    }
    // Higher priority first; equal priorities (never among bundled plugins) by name, for a stable order.
    return entries.sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private put(entity: Entity): void {
    if (entity.enabled === false) return;
    const name = typeof entity.name === 'string' ? entity.name : '';
    const definition = this.catalog.get(name);
    if (definition === undefined) {
      this.logger.warn({ plugin: name, id: entity.id }, 'plugin is not bundled in this build; ignored');
      return;
    }
    const facts: PluginEntityFacts = {
      id: entity.id,
      name,
      instanceName: typeof entity.instance_name === 'string' ? entity.instance_name : null,
      routeId: refOf(entity, 'route'),
      serviceId: refOf(entity, 'service'),
      consumerId: refOf(entity, 'consumer'),
    };
    let handler: PluginHandler;
    try {
      handler = definition.create((entity.config ?? {}) as never, this.env, facts);
    } catch (error) {
      // Fail closed: an auth plugin that cannot be made must not let requests through unauthenticated.
      this.logger.error(
        { err: error, plugin: name, id: entity.id },
        'plugin could not be created; its routes answer 500',
      );
      handler = failingHandler(name);
    }
    const protocols = Array.isArray(entity.protocols) ? new Set(entity.protocols as string[]) : null;
    const instance: ScopedInstance = {
      id: entity.id,
      name,
      priority: definition.priority,
      handler,
      protocols,
      routeId: facts.routeId,
      serviceId: facts.serviceId,
      consumerId: facts.consumerId,
    };
    this.instances.set(entity.id, instance);
    let combos = this.byName.get(name);
    if (combos === undefined) this.byName.set(name, (combos = new Map<string, ScopedInstance>()));
    combos.set(comboKey(instance.routeId, instance.serviceId, instance.consumerId), instance);
  }

  private remove(id: string): void {
    const instance = this.instances.get(id);
    if (instance === undefined) return;
    this.instances.delete(id);
    const combos = this.byName.get(instance.name);
    const key = comboKey(instance.routeId, instance.serviceId, instance.consumerId);
    if (combos?.get(key) === instance) combos.delete(key);
    if (combos?.size === 0) this.byName.delete(instance.name);
    void this.closeHandler(instance);
  }

  private async closeHandler(instance: PluginInstance): Promise<void> {
    try {
      await instance.handler.close?.();
    } catch (error) {
      this.logger.warn({ err: error, plugin: instance.name }, 'plugin instance did not close cleanly');
    }
  }
}

function failingHandler(name: string): PluginHandler {
  return {
    access() {
      throw new PluginError('misconfigured', `plugin '${name}' could not be created`);
    },
  };
}
