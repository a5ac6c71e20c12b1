import type { PluginSchema } from '@gantry/config';
import { protocolsHttp } from '../shared/schema-parts';

export const SIZE_UNITS = ['megabytes', 'kilobytes', 'bytes'] as const;
export type SizeUnit = (typeof SIZE_UNITS)[number];

/** request-size-limiting's config, with Kong 3.x's fields and defaults. */
export interface RequestSizeLimitingConfig {
  readonly allowed_payload_size: number | null;
  readonly size_unit: SizeUnit;
  readonly require_content_length: boolean;
}

export const requestSizeLimitingSchema: PluginSchema = {
  fields: [
    protocolsHttp,
    [
      'config',
      {
        type: 'record',
        fields: [
          ['allowed_payload_size', { type: 'integer', default: 128 }],
          ['size_unit', { type: 'string', required: true, default: 'megabytes', one_of: SIZE_UNITS }],
          ['require_content_length', { type: 'boolean', required: true, default: false }],
        ],
      },
    ],
  ],
};
