import type { PluginSchema } from '@gantry/config';
import { noConsumer, protocolsHttp } from '../shared/schema-parts';

/** acl's config, with Kong's fields and defaults. */
export interface AclConfig {
  readonly allow: readonly string[] | null;
  readonly deny: readonly string[] | null;
  readonly hide_groups_header: boolean;
  readonly include_consumer_groups: boolean | null;
  readonly always_use_authenticated_groups: boolean;
}

export const aclSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['allow', { type: 'array', elements: { type: 'string' } }],
          ['deny', { type: 'array', elements: { type: 'string' } }],
          ['hide_groups_header', { type: 'boolean', required: true, default: false }],
          ['include_consumer_groups', { type: 'boolean', required: false, default: false }],
          ['always_use_authenticated_groups', { type: 'boolean', required: true, default: false }],
        ],
      },
    ],
  ],
  entity_checks: [
    { only_one_of: ['config.allow', 'config.deny'] },
    { at_least_one_of: ['config.allow', 'config.deny'] },
  ],
};
