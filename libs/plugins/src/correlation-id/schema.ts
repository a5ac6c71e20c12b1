import type { PluginSchema } from '@gantry/config';
import { protocolsHttp } from '../shared/schema-parts';

/** How a correlation id is made when the client sent none. */
export type Generator = 'uuid' | 'uuid#counter' | 'tracker';

/** correlation-id's config, with Kong's fields and defaults. */
export interface CorrelationIdConfig {
  readonly header_name: string | null;
  readonly generator: Generator;
  readonly echo_downstream: boolean;
}

export const correlationIdSchema: PluginSchema = {
  fields: [
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['header_name', { type: 'string', default: 'Kong-Request-ID' }],
          [
            'generator',
            { type: 'string', required: true, default: 'uuid#counter', one_of: ['uuid', 'uuid#counter', 'tracker'] },
          ],
          ['echo_downstream', { type: 'boolean', required: true, default: false }],
        ],
      },
    ],
  ],
};
