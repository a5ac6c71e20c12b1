import { typedefs, type PluginSchema } from '@gantry/config';
import { isPresent, protocolsHttp } from '../shared/schema-parts';

/** request-termination's config, with Kong's fields and defaults. */
export interface RequestTerminationConfig {
  readonly status_code: number;
  readonly message: string | null;
  readonly content_type: string | null;
  readonly body: string | null;
  readonly echo: boolean;
  readonly trigger: string | null;
}

export const requestTerminationSchema: PluginSchema = {
  fields: [
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['status_code', { type: 'integer', required: true, default: 503, between: [100, 599] }],
          ['message', { type: 'string' }],
          ['content_type', { type: 'string' }],
          ['body', { type: 'string' }],
          ['echo', { type: 'boolean', required: true, default: false }],
          ['trigger', typedefs.headerName],
        ],
        entity_checks: [
          {
            custom_entity_check: {
              field_sources: ['message', 'content_type', 'body'],
              fn: (config) => {
                if (isPresent(config.message) && (isPresent(config.content_type) || isPresent(config.body))) {
                  return 'message cannot be used with content_type or body';
                }
                if (isPresent(config.content_type) && !isPresent(config.body)) return 'content_type requires a body';
                return undefined;
              },
            },
          },
        ],
      },
    ],
  ],
};
