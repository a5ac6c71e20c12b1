import { PluginSchemaRegistry } from '@gantry/config';
import type { PluginDefinition } from './plugin-definition';

/**
 * The plugins this build bundles, by name. It registers their schemas in a schema registry, which the Admin API
 * uses to validate plugin config and to serve `/schemas/plugins/{name}`.
 */
export class PluginCatalog {
  private readonly byName = new Map<string, PluginDefinition<never>>();

  constructor(definitions: readonly PluginDefinition<never>[]) {
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) throw new Error(`plugin '${definition.name}' is bundled twice`);
      this.byName.set(definition.name, definition);
    }
  }

  get(name: string): PluginDefinition<never> | undefined {
    return this.byName.get(name);
  }

  /** Bundled plugin names, sorted (`GET /plugins/enabled`). */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  definitions(): Iterable<PluginDefinition<never>> {
    return this.byName.values();
  }

  /**
   * A strict schema registry holding every bundled plugin's schema: unknown plugin names are refused, as Kong
   * refuses plugins that are not enabled.
   */
  schemaRegistry(): PluginSchemaRegistry {
    const registry = new PluginSchemaRegistry(true);
    this.registerInto(registry);
    return registry;
  }

  /** Registers every bundled schema in `registry`. */
  registerInto(registry: PluginSchemaRegistry): void {
    for (const definition of this.byName.values()) registry.register(definition.name, definition.schema);
  }
}
