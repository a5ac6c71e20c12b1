import { typedefs, type PluginSchema } from '@gantry/config';
import { noConsumer, protocolsHttp } from '../shared/schema-parts';

/** key-auth's config, with Kong's fields and defaults. */
export interface KeyAuthConfig {
  readonly key_names: readonly string[];
  readonly hide_credentials: boolean;
  readonly anonymous: string | null;
  readonly key_in_header: boolean;
  readonly key_in_query: boolean;
  readonly key_in_body: boolean;
  readonly run_on_preflight: boolean;
  readonly realm: string | null;
}

export const keyAuthSchema: PluginSchema = {
  fields: [
    noConsumer,
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['key_names', { type: 'array', required: true, elements: typedefs.headerName, default: ['apikey'] }],
          ['hide_credentials', { type: 'boolean', required: true, default: false }],
          ['anonymous', { type: 'string' }],
          ['key_in_header', { type: 'boolean', required: true, default: true }],
          ['key_in_query', { type: 'boolean', required: true, default: true }],
          ['key_in_body', { type: 'boolean', required: true, default: false }],
          ['run_on_preflight', { type: 'boolean', required: true, default: true }],
          ['realm', { type: 'string', required: false }],
        ],
      },
    ],
  ],
};
