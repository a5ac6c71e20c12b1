import { AUTH_PLUGINS } from './bundled/auth';
import { OBSERVABILITY_PLUGINS } from './bundled/observability';
import { TRAFFIC_PLUGINS } from './bundled/traffic';
import { TRANSFORM_PLUGINS } from './bundled/transform';
import type { PluginSchemaRegistry } from '@gantry/config';
import { PluginCatalog } from './runtime/plugin-catalog';
import type { PluginDefinition } from './runtime/plugin-definition';
import { requestTermination } from './request-termination/handler';

/** Every plugin this build bundles; a plugin is enabled by adding it to its group's list in `bundled/`. */
export const BUNDLED_PLUGINS: readonly PluginDefinition<never>[] = [
  ...AUTH_PLUGINS,
  ...TRAFFIC_PLUGINS,
  ...TRANSFORM_PLUGINS,
  ...OBSERVABILITY_PLUGINS,
  requestTermination,
];

/** The catalog of bundled plugins. */
export function bundledCatalog(): PluginCatalog {
  return new PluginCatalog(BUNDLED_PLUGINS);
}

let schemas: PluginSchemaRegistry | undefined;

/**
 * The strict schema registry of the bundled plugins (shared, built once): what the Admin API validates plugin
 * config against. Plugins that are not bundled are refused, as Kong refuses plugins that are not enabled.
 */
export function bundledPluginSchemas(): PluginSchemaRegistry {
  return (schemas ??= bundledCatalog().schemaRegistry());
}
