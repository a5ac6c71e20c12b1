import { typedefs, type PluginSchema } from '@gantry/config';

/** ip-restriction's config, with Kong 3.x's fields. */
export interface IpRestrictionConfig {
  readonly allow: readonly string[] | null;
  readonly deny: readonly string[] | null;
  readonly status: number | null;
  readonly message: string | null;
}

export const ipRestrictionSchema: PluginSchema = {
  fields: [
    [
      'protocols',
      {
        type: 'set',
        required: true,
        default: ['http', 'https', 'tcp', 'tls', 'grpc', 'grpcs'],
        elements: typedefs.protocol,
      },
    ],
    [
      'config',
      {
        type: 'record',
        fields: [
          ['allow', { type: 'array', elements: typedefs.ipOrCidr }],
          ['deny', { type: 'array', elements: typedefs.ipOrCidr }],
          ['status', { type: 'number' }],
          ['message', { type: 'string' }],
        ],
      },
    ],
  ],
  entity_checks: [{ at_least_one_of: ['config.allow', 'config.deny'] }],
};
