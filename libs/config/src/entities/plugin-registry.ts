import type { JsonObject } from '../json';
import { renderSchema } from '../schema/render';
import type { EntityCheck, EntitySchema, FieldEntry } from '../schema/types';
import { pluginSchema } from './plugin';

/**
 * A plugin's schema, as in a Kong plugin's `schema.lua`: it must declare `config` (a record) and may override
 * other plugin fields, e.g. `consumer: { type: 'foreign', reference: 'consumers', eq: null }` or `protocols`.
 */
export interface PluginSchema {
  readonly fields: readonly FieldEntry[];
  readonly entity_checks?: readonly EntityCheck[];
}

const BASE_FIELDS = new Set(pluginSchema.fields.map(([name]) => name));

/** Kong's message for a plugin that is not enabled. */
export function pluginNotEnabledMessage(name: string): string {
  return `plugin '${name}' not enabled; add it to the 'plugins' configuration property`;
}

/**
 * Plugin schemas by plugin name. Non-strict registries (the default) accept plugins they do not know, with
 * any `config`; strict ones reject them as Kong rejects plugins that are not enabled.
 */
export class PluginSchemaRegistry {
  private readonly schemas = new Map<string, PluginSchema>();
  private readonly merged = new Map<string, EntitySchema>();

  constructor(public strict = false) {}

  /** Registers (or replaces) the schema of plugin `name`. Throws on a malformed schema. */
  register(name: string, schema: PluginSchema): void {
    if (name === '') throw new Error('plugin name must not be empty');
    const config = schema.fields.find(([field]) => field === 'config');
    if (config === undefined || config[1].type !== 'record') {
      throw new Error(`plugin '${name}': schema must declare a 'config' record`);
    }
    for (const [field] of schema.fields) {
      if (!BASE_FIELDS.has(field)) throw new Error(`plugin '${name}': '${field}' is not a plugin field`);
    }
    this.schemas.set(name, schema);
    this.merged.delete(name);
  }

  /** True when `name` has a registered schema. */
  has(name: string): boolean {
    return this.schemas.has(name);
  }

  /** Registered plugin names, sorted. */
  names(): string[] {
    return [...this.schemas.keys()].sort();
  }

  /** True when plugins named `name` may be configured. */
  accepts(name: string): boolean {
    return !this.strict || this.schemas.has(name);
  }

  /** The `plugins` entity schema specialised for plugin `name` (the generic one when `name` is unknown). */
  entitySchema(name: string): EntitySchema {
    const own = this.schemas.get(name);
    if (own === undefined) return pluginSchema;
    let merged = this.merged.get(name);
    if (merged === undefined) {
      merged = mergePluginSchema(own);
      this.merged.set(name, merged);
    }
    return merged;
  }
}

function mergePluginSchema(own: PluginSchema): EntitySchema {
  const overrides = new Map(own.fields);
  const fields: FieldEntry[] = pluginSchema.fields.map(([name, def]) => {
    const o = overrides.get(name);
    if (o === undefined) return [name, def];
    // Kong makes a plugin's config record required, so an omitted config still gets its defaults.
    if (name === 'config' && o.type === 'record' && o.required === undefined) return [name, { ...o, required: true }];
    return [name, o];
  });
  return {
    ...pluginSchema,
    fields,
    entity_checks: [...(pluginSchema.entity_checks ?? []), ...(own.entity_checks ?? [])],
  };
}

/** The registry used when none is passed explicitly. */
export const defaultPluginRegistry = new PluginSchemaRegistry();

/** Registers a plugin's schema in the default registry (the hook plugins use to constrain their `config`). */
export function registerPluginSchema(name: string, schema: PluginSchema): void {
  defaultPluginRegistry.register(name, schema);
}

/**
 * Kong's `GET /schemas/plugins/{name}` body, or `undefined` when a strict registry does not know the plugin.
 */
export function renderPluginSchema(
  name: string,
  registry: PluginSchemaRegistry = defaultPluginRegistry,
): JsonObject | undefined {
  if (!registry.accepts(name)) return undefined;
  return renderSchema(registry.entitySchema(name));
}
