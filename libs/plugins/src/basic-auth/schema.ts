import type { PluginSchema } from '@gantry/config';
import { noConsumer, protocolsHttp } from '../shared/schema-parts';

/** basic-auth's config, with Kong's fields and defaults. */
export interface BasicAuthConfig {
  readonly anonymous: string | null;
  readonly hide_credentials: boolean;
  readonly realm: string;
}

export const basicAuthSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['anonymous', { type: 'string' }],
          ['hide_credentials', { type: 'boolean', required: true, default: false }],
          ['realm', { type: 'string', required: true, default: 'service' }],
        ],
      },
    ],
  ],
};
