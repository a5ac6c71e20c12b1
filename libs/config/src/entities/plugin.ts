import type { EntitySchema } from '../schema/types';
import * as t from './typedefs';

/**
 * Kong 3.x `plugins`, before any plugin-specific schema: `config` is any JSON object. A registered plugin
 * schema (see `PluginSchemaRegistry`) replaces `config` and may constrain `protocols` and the scope fields.
 */
export const pluginSchema: EntitySchema = {
  name: 'plugins',
  primary_key: ['id'],
  endpoint_key: 'instance_name',
  cache_key: ['name', 'route', 'service', 'consumer'],
  fields: [
    ['id', t.uuid],
    ['name', { type: 'string', required: true }],
    ['instance_name', t.utf8Name],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['route', t.foreign('routes', { default: null, on_delete: 'cascade' })],
    ['service', t.foreign('services', { default: null, on_delete: 'cascade' })],
    ['consumer', t.foreign('consumers', { default: null, on_delete: 'cascade' })],
    ['config', { type: 'record', abstract: true, default: {} }],
    ['protocols', t.protocols],
    ['enabled', { type: 'boolean', default: true }],
    ['tags', t.tags],
  ],
};
